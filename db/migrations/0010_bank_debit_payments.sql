ALTER TABLE "bank_statement_rows" DROP CONSTRAINT "bank_statement_rows_status_known";--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ADD COLUMN "disbursement_id" integer;--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ADD CONSTRAINT "bank_statement_rows_disbursement_id_disbursements_id_fk" FOREIGN KEY ("disbursement_id") REFERENCES "public"."disbursements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ADD CONSTRAINT "bank_statement_rows_disbursement_id_unique" UNIQUE("disbursement_id");--> statement-breakpoint
-- Debits kept aside before they were matched wait for staff like any other unmatched row.
INSERT INTO "payment_reviews" ("source", "reference", "reason", "detail", "bank_row_id", "amount_vnd")
SELECT 'bank', "row_key", 'unmatched_debit', 'imported before debits were matched to payments', "id", "debit_vnd" FROM "bank_statement_rows" WHERE "status" = 'debit'
ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "bank_statement_rows" SET "status" = 'review' WHERE "status" = 'debit';--> statement-breakpoint
ALTER TABLE "bank_statement_rows" ADD CONSTRAINT "bank_statement_rows_status_known" CHECK ("bank_statement_rows"."status" IN ('matched', 'review'));