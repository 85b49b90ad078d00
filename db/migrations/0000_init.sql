CREATE TABLE "allocations" (
	"id" serial PRIMARY KEY NOT NULL,
	"entry_id" bigint NOT NULL,
	"house_id" integer NOT NULL,
	"pool_key" text NOT NULL,
	"amount_vnd" bigint NOT NULL,
	"decision_ref" text NOT NULL,
	"created_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "areas" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL,
	"parent_id" integer,
	"new_commune_name" text,
	"new_province_name" text,
	"labour_day_rate_vnd" bigint,
	CONSTRAINT "areas_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"target_houses" integer NOT NULL,
	"baseline" jsonb NOT NULL,
	"support_levels" jsonb NOT NULL,
	"labour_day_rate_vnd" bigint NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	CONSTRAINT "campaigns_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "chain_head" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"entry_count" bigint NOT NULL,
	"head_hash" text NOT NULL,
	CONSTRAINT "chain_head_single_row" CHECK ("chain_head"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "contributions" (
	"id" serial PRIMARY KEY NOT NULL,
	"receipt_code" text NOT NULL,
	"campaign_id" integer NOT NULL,
	"donor_id" integer NOT NULL,
	"kind" text NOT NULL,
	"channel" text,
	"amount_vnd" bigint NOT NULL,
	"target_type" text NOT NULL,
	"target_house_id" integer,
	"target_area_id" integer,
	"received_at" timestamp with time zone NOT NULL,
	"details" jsonb,
	CONSTRAINT "contributions_receipt_code_unique" UNIQUE("receipt_code"),
	CONSTRAINT "contributions_amount_positive" CHECK ("contributions"."amount_vnd" > 0)
);
--> statement-breakpoint
CREATE TABLE "disbursements" (
	"id" serial PRIMARY KEY NOT NULL,
	"house_id" integer NOT NULL,
	"amount_vnd" bigint NOT NULL,
	"purpose" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"entry_id" bigint,
	CONSTRAINT "disbursements_amount_positive" CHECK ("disbursements"."amount_vnd" > 0),
	CONSTRAINT "disbursements_four_eyes" CHECK ("disbursements"."decided_by" IS NULL OR "disbursements"."decided_by" <> "disbursements"."recorded_by"),
	CONSTRAINT "disbursements_posted_when_approved" CHECK (("disbursements"."status" = 'approved') = ("disbursements"."entry_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "donors" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"display_name" text,
	"anonymous" boolean DEFAULT false NOT NULL,
	"email" text,
	"phone" text,
	"tax_code" text
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" serial PRIMARY KEY NOT NULL,
	"area_id" integer NOT NULL,
	"head_full_name" text NOT NULL,
	"head_initials" text NOT NULL,
	"publish_full_name" boolean DEFAULT false NOT NULL,
	"national_id" text,
	"phone" text,
	"address" text,
	"poverty_status" text NOT NULL,
	"members" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "houses" (
	"id" serial PRIMARY KEY NOT NULL,
	"public_code" text NOT NULL,
	"campaign_id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"area_id" integer NOT NULL,
	"type" text NOT NULL,
	"budget_vnd" bigint NOT NULL,
	"minutes_ref" text NOT NULL,
	"approved_on" date NOT NULL,
	"funded_on" date,
	"construction_on" date,
	"completed_on" date,
	"handed_over_on" date,
	"allocated_vnd" bigint DEFAULT 0 NOT NULL,
	"cash_allocated_vnd" bigint DEFAULT 0 NOT NULL,
	"disbursed_vnd" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "houses_public_code_unique" UNIQUE("public_code"),
	CONSTRAINT "houses_budget_positive" CHECK ("houses"."budget_vnd" > 0),
	CONSTRAINT "houses_allocated_within_budget" CHECK ("houses"."allocated_vnd" >= 0 AND "houses"."allocated_vnd" <= "houses"."budget_vnd"),
	CONSTRAINT "houses_cash_within_allocated" CHECK ("houses"."cash_allocated_vnd" >= 0 AND "houses"."cash_allocated_vnd" <= "houses"."allocated_vnd"),
	CONSTRAINT "houses_disbursed_within_cash" CHECK ("houses"."disbursed_vnd" >= 0 AND "houses"."disbursed_vnd" <= "houses"."cash_allocated_vnd")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"request_hash" text NOT NULL,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal_entries" (
	"id" bigint PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"description" text NOT NULL,
	"contribution_id" integer,
	"reverses_entry_id" bigint,
	"reason" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "journal_entries_reverses_entry_id_unique" UNIQUE("reverses_entry_id")
);
--> statement-breakpoint
CREATE TABLE "journal_lines" (
	"entry_id" bigint NOT NULL,
	"line_no" integer NOT NULL,
	"account" text NOT NULL,
	"house_id" integer,
	"area_id" integer,
	"contribution_id" integer,
	"amount_vnd" bigint NOT NULL,
	CONSTRAINT "journal_lines_entry_id_line_no_pk" PRIMARY KEY("entry_id","line_no"),
	CONSTRAINT "journal_lines_nonzero" CHECK ("journal_lines"."amount_vnd" <> 0)
);
--> statement-breakpoint
CREATE TABLE "pool_lots" (
	"pool_key" text NOT NULL,
	"contribution_id" integer NOT NULL,
	"seq" bigint GENERATED BY DEFAULT AS IDENTITY (sequence name "pool_lots_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"area_id" integer,
	"remaining_vnd" bigint NOT NULL,
	CONSTRAINT "pool_lots_pool_key_contribution_id_pk" PRIMARY KEY("pool_key","contribution_id"),
	CONSTRAINT "pool_lots_not_negative" CHECK ("pool_lots"."remaining_vnd" >= 0)
);
--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_house_id_houses_id_fk" FOREIGN KEY ("house_id") REFERENCES "public"."houses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contributions" ADD CONSTRAINT "contributions_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contributions" ADD CONSTRAINT "contributions_donor_id_donors_id_fk" FOREIGN KEY ("donor_id") REFERENCES "public"."donors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contributions" ADD CONSTRAINT "contributions_target_house_id_houses_id_fk" FOREIGN KEY ("target_house_id") REFERENCES "public"."houses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contributions" ADD CONSTRAINT "contributions_target_area_id_areas_id_fk" FOREIGN KEY ("target_area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disbursements" ADD CONSTRAINT "disbursements_house_id_houses_id_fk" FOREIGN KEY ("house_id") REFERENCES "public"."houses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disbursements" ADD CONSTRAINT "disbursements_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "houses" ADD CONSTRAINT "houses_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "houses" ADD CONSTRAINT "houses_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "houses" ADD CONSTRAINT "houses_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_contribution_id_contributions_id_fk" FOREIGN KEY ("contribution_id") REFERENCES "public"."contributions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "areas_parent_idx" ON "areas" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "contributions_target_house_idx" ON "contributions" USING btree ("target_house_id");--> statement-breakpoint
CREATE INDEX "contributions_received_idx" ON "contributions" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "disbursements_house_idx" ON "disbursements" USING btree ("house_id");--> statement-breakpoint
CREATE INDEX "houses_area_idx" ON "houses" USING btree ("area_id");--> statement-breakpoint
CREATE INDEX "journal_entries_contribution_idx" ON "journal_entries" USING btree ("contribution_id");--> statement-breakpoint
CREATE INDEX "journal_lines_house_idx" ON "journal_lines" USING btree ("house_id");--> statement-breakpoint
CREATE INDEX "journal_lines_contribution_idx" ON "journal_lines" USING btree ("contribution_id");--> statement-breakpoint
CREATE INDEX "pool_lots_fifo_idx" ON "pool_lots" USING btree ("pool_key","seq") WHERE "pool_lots"."remaining_vnd" > 0;