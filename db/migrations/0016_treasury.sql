CREATE TABLE "cash_balances" (
	"account" text PRIMARY KEY NOT NULL,
	"balance_vnd" bigint NOT NULL,
	CONSTRAINT "cash_balances_account_known" CHECK ("cash_balances"."account" IN ('cash_bank', 'cash_card', 'cash_office')),
	CONSTRAINT "cash_overdrawn" CHECK ("cash_balances"."balance_vnd" >= 0)
);
--> statement-breakpoint
CREATE TABLE "treasury_movements" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"reference" text NOT NULL,
	"amount_vnd" bigint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"entry_id" bigint NOT NULL,
	"bank_row_id" integer,
	"recorded_by" text,
	CONSTRAINT "treasury_movements_bank_row_id_unique" UNIQUE("bank_row_id"),
	CONSTRAINT "treasury_movements_kind_known" CHECK ("treasury_movements"."kind" IN ('payout', 'deposit', 'bank_charge')),
	CONSTRAINT "treasury_movements_amount_positive" CHECK ("treasury_movements"."amount_vnd" > 0)
);
--> statement-breakpoint
ALTER TABLE "journal_entries" DROP CONSTRAINT "journal_entries_kind_known";--> statement-breakpoint
ALTER TABLE "journal_lines" DROP CONSTRAINT "journal_lines_account_known";--> statement-breakpoint
ALTER TABLE "treasury_movements" ADD CONSTRAINT "treasury_movements_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "treasury_movements" ADD CONSTRAINT "treasury_movements_bank_row_id_bank_statement_rows_id_fk" FOREIGN KEY ("bank_row_id") REFERENCES "public"."bank_statement_rows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "treasury_movements_reference_idx" ON "treasury_movements" USING btree ("kind","reference");--> statement-breakpoint
CREATE INDEX "treasury_movements_unclaimed_idx" ON "treasury_movements" USING btree ("kind","amount_vnd") WHERE "treasury_movements"."bank_row_id" IS NULL;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_kind_known" CHECK ("journal_entries"."kind" IN ('contribution', 'in_kind', 'labour', 'state_budget', 'allocation', 'disbursement', 'state_payment', 'reversal', 'record', 'payout', 'deposit', 'bank_charge'));--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_account_known" CHECK ("journal_lines"."account" IN ('cash_card', 'cash_bank', 'cash_office', 'card_fees', 'card_fee_withheld', 'bank_charges', 'bank_charges_borne', 'pool_general', 'pool_commune', 'house_cash', 'house_paid', 'in_kind_received', 'house_in_kind', 'commune_in_kind', 'state_budget', 'house_state', 'house_state_paid', 'labour_estimate', 'house_labour'));
--> statement-breakpoint
-- Custom SQL (not generated): the running balance of each cash account, moved by every statement that
-- appends journal lines (ledger_append, a demo's COPY) through its transition table. The UPDATE locks
-- the account's row to commit, so concurrent postings see each other's balance and the CHECK
-- cash_overdrawn refuses the one that would take the account below zero. A ledger that already holds
-- a negative cash account cannot take this migration: reseed it (demo) or correct it first.
INSERT INTO cash_balances (account, balance_vnd)
SELECT a.account, coalesce((SELECT sum(l.amount_vnd) FROM journal_lines l WHERE l.account = a.account), 0)
FROM (VALUES ('cash_bank'), ('cash_card'), ('cash_office')) AS a(account);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledger_move_cash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cash_balances c SET balance_vnd = c.balance_vnd + s.delta_vnd
  FROM (SELECT account, sum(amount_vnd) AS delta_vnd FROM new_lines
        WHERE account IN ('cash_bank', 'cash_card', 'cash_office') GROUP BY account ORDER BY account) s
  WHERE c.account = s.account AND s.delta_vnd <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER journal_lines_move_cash AFTER INSERT ON journal_lines
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION ledger_move_cash();
--> statement-breakpoint
CREATE TRIGGER cash_balances_no_delete BEFORE DELETE OR TRUNCATE ON cash_balances
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
