CREATE TABLE "feedback" (
	"id" serial PRIMARY KEY NOT NULL,
	"campaign_id" integer NOT NULL,
	"tracking_code" text NOT NULL,
	"topic" text NOT NULL,
	"house_code" text,
	"question" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"answer" text,
	"answered_by" text,
	"answered_at" timestamp with time zone,
	"published" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_tracking_code_unique" UNIQUE("tracking_code"),
	CONSTRAINT "feedback_topic_known" CHECK ("feedback"."topic" IN ('house', 'payment', 'selection', 'other')),
	CONSTRAINT "feedback_status_known" CHECK ("feedback"."status" IN ('open', 'answered')),
	CONSTRAINT "feedback_answered_has_answer" CHECK ("feedback"."status" = 'open' OR ("feedback"."answer" IS NOT NULL AND "feedback"."answered_at" IS NOT NULL)),
	CONSTRAINT "feedback_published_when_answered" CHECK (NOT "feedback"."published" OR "feedback"."status" = 'answered')
);
--> statement-breakpoint
ALTER TABLE "pledges" ADD COLUMN "company_name" text;--> statement-breakpoint
ALTER TABLE "pledges" ADD COLUMN "tax_code" text;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "feedback_status_idx" ON "feedback" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "pledges_tax_code_idx" ON "pledges" USING btree ("tax_code");--> statement-breakpoint
ALTER TABLE "pledges" ADD CONSTRAINT "pledges_company_has_tax_code" CHECK (("pledges"."company_name" IS NULL) = ("pledges"."tax_code" IS NULL));