ALTER TABLE "journal_lines" DROP CONSTRAINT "journal_lines_account_known";--> statement-breakpoint
ALTER TABLE "disbursements" ADD COLUMN "recipient_name" text;--> statement-breakpoint
ALTER TABLE "disbursements" ADD COLUMN "method" text;--> statement-breakpoint
ALTER TABLE "disbursements" ADD COLUMN "source_account" text;--> statement-breakpoint
ALTER TABLE "disbursements" ADD COLUMN "paid_on" date;--> statement-breakpoint
ALTER TABLE "disbursements" ADD COLUMN "receipt_file" text;--> statement-breakpoint
ALTER TABLE "disbursements" ADD COLUMN "receipt_kind" text;--> statement-breakpoint
ALTER TABLE "disbursements" ADD CONSTRAINT "disbursements_method_known" CHECK ("disbursements"."method" IN ('cash', 'transfer'));--> statement-breakpoint
ALTER TABLE "disbursements" ADD CONSTRAINT "disbursements_receipt_kind_known" CHECK ("disbursements"."receipt_kind" IN ('photo', 'pdf'));--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_account_known" CHECK ("journal_lines"."account" IN ('cash_card', 'cash_bank', 'cash_office', 'card_fees', 'card_fee_withheld', 'pool_general', 'pool_commune', 'house_cash', 'house_paid', 'in_kind_received', 'house_in_kind', 'commune_in_kind', 'state_budget', 'house_state', 'labour_estimate', 'house_labour'));