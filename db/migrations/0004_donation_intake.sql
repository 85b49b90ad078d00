CREATE TABLE "bank_statement_rows" (
	"id" serial PRIMARY KEY NOT NULL,
	"statement_id" integer NOT NULL,
	"row_key" text NOT NULL,
	"line_no" integer NOT NULL,
	"booked_at" timestamp with time zone NOT NULL,
	"reference" text,
	"credit_vnd" bigint NOT NULL,
	"debit_vnd" bigint NOT NULL,
	"balance_vnd" bigint,
	"memo" text NOT NULL,
	"matched_code" text,
	"pledge_id" integer,
	"contribution_id" integer,
	"status" text NOT NULL,
	CONSTRAINT "bank_statement_rows_row_key_unique" UNIQUE("row_key"),
	CONSTRAINT "bank_statement_rows_one_side" CHECK (("bank_statement_rows"."credit_vnd" > 0 AND "bank_statement_rows"."debit_vnd" = 0) OR ("bank_statement_rows"."credit_vnd" = 0 AND "bank_statement_rows"."debit_vnd" > 0))
);
--> statement-breakpoint
CREATE TABLE "bank_statements" (
	"id" serial PRIMARY KEY NOT NULL,
	"file_sha256" text NOT NULL,
	"file_name" text NOT NULL,
	"layout" text NOT NULL,
	"account_no" text,
	"opening_balance_vnd" bigint,
	"closing_balance_vnd" bigint,
	"row_count" integer NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "bank_statements_file_sha256_unique" UNIQUE("file_sha256")
);
--> statement-breakpoint
CREATE TABLE "payment_reviews" (
	"id" serial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"reference" text NOT NULL,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"pledge_id" integer,
	"bank_row_id" integer,
	"amount_vnd" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolution" text
);
--> statement-breakpoint
CREATE TABLE "pledges" (
	"id" serial PRIMARY KEY NOT NULL,
	"receipt_code" text NOT NULL,
	"campaign_id" integer NOT NULL,
	"target_type" text NOT NULL,
	"target_house_id" integer,
	"target_area_id" integer,
	"amount_vnd" bigint NOT NULL,
	"display_name" text,
	"anonymous" boolean DEFAULT false NOT NULL,
	"email" text,
	"method" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	"stripe_session_id" text,
	"stripe_payment_intent_id" text,
	"contribution_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	CONSTRAINT "pledges_receipt_code_unique" UNIQUE("receipt_code"),
	CONSTRAINT "pledges_stripe_session_id_unique" UNIQUE("stripe_session_id"),
	CONSTRAINT "pledges_stripe_payment_intent_id_unique" UNIQUE("stripe_payment_intent_id"),
	CONSTRAINT "pledges_amount_positive" CHECK ("pledges"."amount_vnd" > 0),
	CONSTRAINT "pledges_confirmed_has_contribution" CHECK ("pledges"."status" NOT IN ('confirmed', 'refunded', 'disputed') OR "pledges"."contribution_id" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "stripe_parked_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"payment_intent_id" text NOT NULL,
	"type" text NOT NULL,
	"object" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ADD CONSTRAINT "bank_statement_rows_statement_id_bank_statements_id_fk" FOREIGN KEY ("statement_id") REFERENCES "public"."bank_statements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ADD CONSTRAINT "bank_statement_rows_pledge_id_pledges_id_fk" FOREIGN KEY ("pledge_id") REFERENCES "public"."pledges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ADD CONSTRAINT "bank_statement_rows_contribution_id_contributions_id_fk" FOREIGN KEY ("contribution_id") REFERENCES "public"."contributions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_reviews" ADD CONSTRAINT "payment_reviews_pledge_id_pledges_id_fk" FOREIGN KEY ("pledge_id") REFERENCES "public"."pledges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_reviews" ADD CONSTRAINT "payment_reviews_bank_row_id_bank_statement_rows_id_fk" FOREIGN KEY ("bank_row_id") REFERENCES "public"."bank_statement_rows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pledges" ADD CONSTRAINT "pledges_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pledges" ADD CONSTRAINT "pledges_target_house_id_houses_id_fk" FOREIGN KEY ("target_house_id") REFERENCES "public"."houses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pledges" ADD CONSTRAINT "pledges_target_area_id_areas_id_fk" FOREIGN KEY ("target_area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pledges" ADD CONSTRAINT "pledges_contribution_id_contributions_id_fk" FOREIGN KEY ("contribution_id") REFERENCES "public"."contributions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bank_statement_rows_statement_idx" ON "bank_statement_rows" USING btree ("statement_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_reviews_source_reference_idx" ON "payment_reviews" USING btree ("source","reference");--> statement-breakpoint
CREATE INDEX "payment_reviews_open_idx" ON "payment_reviews" USING btree ("created_at") WHERE "payment_reviews"."resolved_at" IS NULL;--> statement-breakpoint
CREATE INDEX "pledges_status_idx" ON "pledges" USING btree ("status");--> statement-breakpoint
CREATE INDEX "stripe_parked_events_pi_idx" ON "stripe_parked_events" USING btree ("payment_intent_id");