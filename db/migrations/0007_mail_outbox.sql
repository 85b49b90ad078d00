CREATE TABLE "mail_outbox" (
	"id" serial PRIMARY KEY NOT NULL,
	"campaign_id" integer NOT NULL,
	"dedupe_key" text NOT NULL,
	"kind" text NOT NULL,
	"recipient" text,
	"receipt_code" text,
	"payload" jsonb NOT NULL,
	"attachments" jsonb,
	"unsubscribe_token" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"message_id" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_outbox_dedupe_key_unique" UNIQUE("dedupe_key"),
	CONSTRAINT "mail_outbox_unsubscribe_token_unique" UNIQUE("unsubscribe_token"),
	CONSTRAINT "mail_outbox_status_known" CHECK ("mail_outbox"."status" IN ('pending', 'retrying', 'sent', 'dead', 'suppressed', 'erased')),
	CONSTRAINT "mail_outbox_kind_known" CHECK ("mail_outbox"."kind" IN ('receipt', 'refund', 'handover', 'business_confirmation', 'feedback_answer')),
	CONSTRAINT "mail_outbox_recipient_while_queued" CHECK ("mail_outbox"."status" NOT IN ('pending', 'retrying') OR "mail_outbox"."recipient" IS NOT NULL),
	CONSTRAINT "mail_outbox_attempts_not_negative" CHECK ("mail_outbox"."attempts" >= 0)
);
--> statement-breakpoint
CREATE TABLE "mail_unsubscribes" (
	"campaign_id" integer NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_unsubscribes_campaign_id_email_pk" PRIMARY KEY("campaign_id","email")
);
--> statement-breakpoint
ALTER TABLE "pledges" ADD COLUMN "privacy_notice_version" text;--> statement-breakpoint
ALTER TABLE "pledges" ADD COLUMN "email_consent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_unsubscribes" ADD CONSTRAINT "mail_unsubscribes_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mail_outbox_due_idx" ON "mail_outbox" USING btree ("next_attempt_at") WHERE "mail_outbox"."status" IN ('pending', 'retrying');--> statement-breakpoint
CREATE INDEX "mail_outbox_receipt_idx" ON "mail_outbox" USING btree ("receipt_code");--> statement-breakpoint
CREATE INDEX "pledges_email_idx" ON "pledges" USING btree (lower("email"));