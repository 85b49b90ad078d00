CREATE TABLE "state_payments" (
	"id" serial PRIMARY KEY NOT NULL,
	"house_id" integer NOT NULL,
	"amount_vnd" bigint NOT NULL,
	"paid_on" date NOT NULL,
	"document_ref" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"entry_id" bigint NOT NULL,
	CONSTRAINT "state_payments_entry_id_unique" UNIQUE("entry_id"),
	CONSTRAINT "state_payments_amount_positive" CHECK ("state_payments"."amount_vnd" > 0)
);
--> statement-breakpoint
ALTER TABLE "journal_entries" DROP CONSTRAINT "journal_entries_kind_known";--> statement-breakpoint
ALTER TABLE "journal_lines" DROP CONSTRAINT "journal_lines_account_known";--> statement-breakpoint
ALTER TABLE "public_records" DROP CONSTRAINT "public_records_kind_known";--> statement-breakpoint
ALTER TABLE "houses" ADD COLUMN "state_allocated_vnd" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "houses" ADD COLUMN "state_paid_vnd" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "state_payments" ADD CONSTRAINT "state_payments_house_id_houses_id_fk" FOREIGN KEY ("house_id") REFERENCES "public"."houses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "state_payments" ADD CONSTRAINT "state_payments_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "state_payments_house_idx" ON "state_payments" USING btree ("house_id");--> statement-breakpoint
ALTER TABLE "houses" ADD CONSTRAINT "houses_state_within_allocated" CHECK ("houses"."state_allocated_vnd" >= 0 AND "houses"."state_allocated_vnd" <= "houses"."allocated_vnd");--> statement-breakpoint
ALTER TABLE "houses" ADD CONSTRAINT "houses_state_paid_within_state" CHECK ("houses"."state_paid_vnd" >= 0 AND "houses"."state_paid_vnd" <= "houses"."state_allocated_vnd");--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_kind_known" CHECK ("journal_entries"."kind" IN ('contribution', 'in_kind', 'labour', 'state_budget', 'allocation', 'disbursement', 'state_payment', 'reversal', 'record'));--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_account_known" CHECK ("journal_lines"."account" IN ('cash_card', 'cash_bank', 'cash_office', 'card_fees', 'card_fee_withheld', 'pool_general', 'pool_commune', 'house_cash', 'house_paid', 'in_kind_received', 'house_in_kind', 'commune_in_kind', 'state_budget', 'house_state', 'house_state_paid', 'labour_estimate', 'house_labour'));--> statement-breakpoint
ALTER TABLE "public_records" ADD CONSTRAINT "public_records_kind_known" CHECK ("public_records"."kind" IN ('allocation', 'disbursement', 'state_payment', 'contribution'));--> statement-breakpoint
-- Custom (not generated): the new counters start from what the journal already holds, so ledger:verify agrees at once.
UPDATE "houses" h SET "state_allocated_vnd" = j.state
FROM (SELECT house_id, -sum(amount_vnd) AS state FROM journal_lines WHERE account = 'house_state' AND house_id IS NOT NULL GROUP BY house_id) j
WHERE j.house_id = h.id;
