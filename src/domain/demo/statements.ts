// The demo's monthly bank statements as files in Vietcombank's export layout: what a fund's staff
// would download and import, written beside the demo by `npm run seed:demo` and kept in the database
// as imported and matched. The same writer as the tests' statement fixtures.
import { createHash } from 'node:crypto';
import { vietcombankCsv } from '../../../scripts/lib/statement-fixture';
import type { DemoStatement } from './generate';

export interface DemoStatementFile { month: string; name: string; text: string; sha256: string }

// dd/mm/yyyy hh:mm in Vietnam's time, as the bank writes a transaction's date.
function bankDate(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3_600_000).toISOString();
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
}

// One CSV per statement, named by its month, with the hash the import keys a file by.
export function demoStatementFiles(statements: DemoStatement[]): DemoStatementFile[] {
  return statements.map((s) => {
    const text = vietcombankCsv(s.rows.map((r) => ({ date: bankDate(r.bookedAt), reference: r.reference, creditVnd: r.creditVnd || undefined, debitVnd: r.debitVnd || undefined, memo: r.memo })),
      { accountNo: s.accountNo, openingVnd: s.openingVnd });
    return { month: s.month, name: `sao-ke-vietcombank-${s.month}.csv`, text, sha256: createHash('sha256').update(text).digest('hex') };
  });
}
