// The demo ties out to the bank, on both databases: after seeding the small demo, no cash account is
// below zero on any day, and each month's generated statement (parsed from its file as staff would
// import it) closes at the ledger's bank balance at the month's end, apart from rows awaiting review.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type DbHandle } from '../../db/client';
import { generateDemo, SMALL_DEMO, type DemoData } from '../../src/domain/demo/generate';
import { loadDemo } from '../../src/domain/demo/load';
import { demoStatementFiles } from '../../src/domain/demo/statements';
import { verifyLedger } from '../../src/domain/verify';
import { importStatement } from '../../src/payments/bank-import';
import { parseStatement } from '../../src/payments/bank-statement';
import { readStatementFile } from '../../src/payments/statement-file';
import type { FreshDb } from './harness';

export function demoBankSuite(driver: string, fresh: FreshDb): void {
  describe(`the demo ties out to its bank statements (${driver})`, () => {
    let handle: DbHandle;
    let demo: DemoData;
    const dir = mkdtempSync(join(tmpdir(), 'ancu-demo-bank-'));
    beforeAll(async () => {
      handle = await fresh();
      demo = generateDemo(SMALL_DEMO);
      await loadDemo(handle, demo);
    });
    afterAll(async () => {
      await handle?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('has card payouts, office deposits, bank charges and interest, and no cash account below zero on any day', async () => {
      const [kinds] = await queryRows<Record<string, string | number>>(handle.db, sql`
        SELECT count(*) FILTER (WHERE kind = 'payout') AS payouts, count(*) FILTER (WHERE kind = 'deposit') AS deposits,
               count(*) FILTER (WHERE kind = 'bank_charge') AS charges,
               (SELECT count(*) FROM contributions c JOIN donors d ON d.id = c.donor_id WHERE d.display_name = 'Ngân hàng (lãi tiền gửi)') AS interest
        FROM journal_entries`);
      for (const count of Object.values(kinds!)) expect(Number(count)).toBeGreaterThan(10);
      const days = await queryRows<{ account: string; day: string; balance: string | number }>(handle.db, sql`
        SELECT account, day, sum(delta) OVER (PARTITION BY account ORDER BY day) AS balance FROM (
          SELECT l.account, ((e.occurred_at AT TIME ZONE 'UTC') + interval '7 hours')::date AS day, sum(l.amount_vnd) AS delta
          FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
          WHERE l.account IN ('cash_bank', 'cash_card', 'cash_office') GROUP BY 1, 2) d`);
      expect(new Set(days.map((d) => d.account))).toEqual(new Set(['cash_bank', 'cash_card', 'cash_office']));
      expect(days.filter((d) => Number(d.balance) < 0)).toEqual([]);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('each month\'s statement file closes at the ledger\'s bank balance at the month\'s end: difference 0 or the rows awaiting review', async () => {
      const files = demoStatementFiles(demo.statements);
      expect(files.map((f) => f.month)).toEqual(demo.statements.map((s) => s.month));
      expect(files.length).toBeGreaterThanOrEqual(15);
      let opening = 0;
      for (const file of files) {
        const path = join(dir, file.name);
        writeFileSync(path, file.text);
        const read = await readStatementFile(path);
        const parsed = parseStatement(read.table);
        expect(parsed).toMatchObject({ layout: 'vietcombank', openingBalanceVnd: opening });
        const [y, m] = file.month.split('-').map(Number) as [number, number];
        const end = new Date(Date.UTC(y, m, 1) - 7 * 3_600_000).toISOString();
        const [ledger] = await queryRows<{ balance: string | number }>(handle.db, sql`
          SELECT coalesce(sum(l.amount_vnd), 0) AS balance FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
          WHERE l.account = 'cash_bank' AND e.occurred_at < ${end}::timestamptz`);
        const awaiting = await queryRows<{ net: string | number }>(handle.db, sql`
          SELECT credit_vnd - debit_vnd AS net FROM bank_statement_rows WHERE status = 'review' AND booked_at < ${end}::timestamptz`);
        const difference = parsed.closingBalanceVnd! - Number(ledger!.balance);
        expect(difference, `${file.month}: statement ${parsed.closingBalanceVnd}, ledger ${ledger!.balance}`).toBe(awaiting.reduce((sum, r) => sum + Number(r.net), 0));
        expect(difference, file.month).toBe(0);
        // The statement is already in, matched line by line: importing the file again changes nothing.
        expect(await importStatement(handle.db, parsed, read)).toMatchObject({ alreadyImported: true, newRows: 0 });
        opening = parsed.closingBalanceVnd!;
      }
      const [unmatched] = await queryRows<{ n: string | number }>(handle.db, sql`SELECT count(*) AS n FROM bank_statement_rows WHERE status <> 'matched'`);
      expect(Number(unmatched!.n)).toBe(0);
      // The published bank balance is the last statement's closing balance.
      const [now] = await queryRows<{ balance: string | number }>(handle.db, sql`SELECT balance_vnd AS balance FROM cash_balances WHERE account = 'cash_bank'`);
      expect(Number(now!.balance)).toBe(demo.statements.at(-1)!.closingVnd);
    });
  });
}
