CREATE TABLE "virtual_accounts" (
	"account_no" text PRIMARY KEY NOT NULL,
	"pledge_id" integer,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "virtual_accounts_pledge_id_unique" UNIQUE("pledge_id"),
	CONSTRAINT "virtual_accounts_number" CHECK ("virtual_accounts"."account_no" ~ '^[0-9A-Za-z]{1,19}$')
);
--> statement-breakpoint
ALTER TABLE "bank_statement_rows" DROP CONSTRAINT "bank_statement_rows_status_known";--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ALTER COLUMN "statement_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ADD COLUMN "disbursement_id" integer;--> statement-breakpoint
ALTER TABLE "virtual_accounts" ADD CONSTRAINT "virtual_accounts_pledge_id_pledges_id_fk" FOREIGN KEY ("pledge_id") REFERENCES "public"."pledges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "virtual_accounts_free_idx" ON "virtual_accounts" USING btree ("account_no") WHERE "virtual_accounts"."pledge_id" IS NULL;--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ADD CONSTRAINT "bank_statement_rows_disbursement_id_disbursements_id_fk" FOREIGN KEY ("disbursement_id") REFERENCES "public"."disbursements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ADD CONSTRAINT "bank_statement_rows_disbursement_id_unique" UNIQUE("disbursement_id");--> statement-breakpoint
-- Debits kept aside before they were matched wait for staff like any other unmatched row.
INSERT INTO "payment_reviews" ("source", "reference", "reason", "detail", "bank_row_id", "amount_vnd")
SELECT 'bank', "row_key", 'unmatched_debit', 'imported before debits were matched to payments', "id", "debit_vnd" FROM "bank_statement_rows" WHERE "status" = 'debit'
ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "bank_statement_rows" SET "status" = 'review' WHERE "status" = 'debit';--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ADD CONSTRAINT "bank_statement_rows_status_known" CHECK ("bank_statement_rows"."status" IN ('matched', 'review'));