CREATE TABLE "correction_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"entry_id" bigint NOT NULL,
	"what_is_wrong" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"reversal_entry_id" bigint,
	CONSTRAINT "correction_requests_status_known" CHECK ("correction_requests"."status" IN ('pending', 'approved', 'refused')),
	CONSTRAINT "correction_requests_four_eyes" CHECK ("correction_requests"."decided_by" IS NULL OR "correction_requests"."decided_by" <> "correction_requests"."requested_by"),
	CONSTRAINT "correction_requests_decided" CHECK (("correction_requests"."status" = 'pending') = ("correction_requests"."decided_by" IS NULL)),
	CONSTRAINT "correction_requests_approved_posted" CHECK (("correction_requests"."status" = 'approved') = ("correction_requests"."reversal_entry_id" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "correction_requests" ADD CONSTRAINT "correction_requests_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "correction_requests" ADD CONSTRAINT "correction_requests_reversal_entry_id_journal_entries_id_fk" FOREIGN KEY ("reversal_entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "correction_requests_open_idx" ON "correction_requests" USING btree ("requested_at") WHERE "correction_requests"."status" = 'pending';