// Writes generated demo data into an empty database in one transaction, with COPY.
import { sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { PgTable } from 'drizzle-orm/pg-core';
import { schema, type Db, type DbHandle } from '../../../db/client';
import { toTsv } from '../../../db/tsv';
import type { DemoData } from './generate';
import { demoStatementFiles } from './statements';
import type { PostedEntry } from '../../ledger/entry';
import { chainHash, GENESIS_HASH } from '../../ledger/hash';
import { publicRecord, type PublicRecordDraft } from '../../ledger/public-record';
import { registrationRecords } from '../houses';
import { giftRecord, sealRecord, treasuryRecord, type RecordPosting } from '../public-records';

export async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(schema.campaigns);
  return Number(row!.n) === 0;
}

const CHUNK_ROWS = 50_000;

// A demo day's moment at noon in Vietnam (UTC+7), for facts the demo dates by day only.
const noonOf = (isoDay: string) => new Date(`${isoDay}T05:00:00.000Z`);

// The demo journal as the application would have written it: each gift, allocation and payment commits
// its public record, each house's registration, head of household and stages follow as record entries
// (in date order, after the money), and the chain is hashed again over the commitments.
export function sealDemo(data: DemoData): { entries: PostedEntry[]; records: (typeof schema.publicRecords.$inferInsert)[] } {
  const houses = new Map(data.houses.map((h) => [h.id, h]));
  const areaCodes = new Map(data.areas.map((a) => [a.id, a.code]));
  const households = new Map(data.households.map((h) => [h.id, h]));
  const donors = new Map(data.donors.map((d) => [d.id, { display_name: d.displayName, anonymous: d.anonymous, kind: d.kind }]));
  const gifts = new Map(data.contributions.map((c) => [c.id, c]));
  const allocations = new Map(data.allocations.map((a) => [a.entryId, a]));
  const payments = new Map(data.disbursements.filter((d) => d.entryId !== null).map((d) => [d.entryId!, d]));
  const statePayments = new Map(data.statePayments.map((p) => [p.entryId, p]));
  const movements = new Map(data.movements.map((m) => [m.entryId, m]));
  const codeOf = (houseId: number | null) => (houseId === null ? null : houses.get(houseId)!.publicCode);
  const recordOf = (entry: PostedEntry): PublicRecordDraft | undefined => {
    const allocation = allocations.get(entry.id);
    if (allocation) return publicRecord('allocation', { amount_vnd: allocation.amountVnd, decision_ref: allocation.decisionRef, house_code: codeOf(allocation.houseId), pool_key: allocation.poolKey });
    const payment = payments.get(entry.id);
    if (payment) return publicRecord('disbursement', { amount_vnd: payment.amountVnd, house_code: codeOf(payment.houseId), purpose: payment.purpose });
    const movement = movements.get(entry.id);
    if (movement) return treasuryRecord(movement);
    const paid = statePayments.get(entry.id);
    if (paid) return publicRecord('state_payment', { amount_vnd: paid.amountVnd, document_ref: paid.documentRef, house_code: codeOf(paid.houseId), paid_on: paid.paidOn });
    const gift = entry.kind === 'reversal' || entry.contributionId === null ? undefined : gifts.get(entry.contributionId);
    return gift && giftRecord(gift, donors.get(gift.donorId)!, codeOf(gift.targetHouseId), gift.targetAreaId === null ? null : areaCodes.get(gift.targetAreaId)!);
  };
  const facts: (RecordPosting & { occurredAt: Date })[] = data.houses.flatMap((house) =>
    registrationRecords({ ...house, areaCode: areaCodes.get(house.areaId)! }, households.get(house.householdId)!).map((posting) => ({
      ...posting, occurredAt: noonOf(posting.record.kind === 'stage' ? (JSON.parse(posting.record.body) as { on: string }).on : house.approvedOn),
    })));
  facts.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const drafts = [
    ...data.entries.map((entry) => ({ ...entry, record: recordOf(entry) })),
    ...facts.map(({ description, record, occurredAt }) => ({ kind: 'record' as const, occurredAt, description, contributionId: null, reversesEntryId: null, reason: null, lines: [], record })),
  ];
  const entries: PostedEntry[] = [];
  const records: (typeof schema.publicRecords.$inferInsert)[] = [];
  let prevHash = GENESIS_HASH;
  drafts.forEach(({ record, ...draft }, index) => {
    const id = index + 1;
    // Salts drawn from the chain so far, not at random (demo records are not private): the same demo seals
    // to the same bytes on every driver.
    const sealed = record && sealRecord(record, createHash('sha256').update(`demo salt ${prevHash} ${id}`).digest('hex').slice(0, 32));
    const entry = { ...draft, commitment: sealed?.commitment ?? null };
    const hash = chainHash(prevHash, id, entry);
    entries.push({ ...entry, id, prevHash, hash });
    if (sealed) records.push({ entryId: id, kind: sealed.kind, subjectId: sealed.subjectId, salt: sealed.salt, body: sealed.body });
    prevHash = hash;
  });
  return { entries, records };
}

// Returns the journal as written: the generated entries sealed, then the houses' record entries.
export async function loadDemo(handle: DbHandle, data: DemoData, onProgress: (done: number, total: number) => void = () => {}): Promise<PostedEntry[]> {
  const sealed = sealDemo(data);
  const lines = sealed.entries.flatMap((entry) => entry.lines.map((l, index) => ({ entryId: entry.id, lineNo: index + 1, ...l })));
  // The statements as if imported and matched: each line points at what the ledger holds for it.
  const files = demoStatementFiles(data.statements);
  const bankRowOf = new Map<number, number>();
  let rowId = 0;
  const statementRows = data.statements.flatMap((s, i) => {
    let balance = s.openingVnd;
    return s.rows.map((r, line) => {
      const id = ++rowId;
      if (r.movementId !== null) bankRowOf.set(r.movementId, id);
      balance += r.creditVnd - r.debitVnd;
      return {
        id, statementId: i + 1, rowKey: `ref:${s.accountNo}:${r.reference}`, lineNo: line + 6, bookedAt: r.bookedAt, reference: r.reference, creditVnd: r.creditVnd,
        debitVnd: r.debitVnd, balanceVnd: balance, memo: r.memo, matchedCode: r.receiptCode, contributionId: r.contributionId, disbursementId: r.disbursementId, status: 'matched',
      };
    });
  });
  const statements = data.statements.map((s, i) => ({
    id: i + 1, fileSha256: files[i]!.sha256, fileName: files[i]!.name, layout: 'vietcombank', accountNo: s.accountNo, openingBalanceVnd: s.openingVnd,
    closingBalanceVnd: s.closingVnd, rowCount: s.rows.length, importedAt: s.rows.at(-1)!.bookedAt, completedAt: s.rows.at(-1)!.bookedAt,
  }));
  const tables: [PgTable, Record<string, unknown>[]][] = [
    [schema.campaigns, [data.campaign]],
    [schema.areas, data.areas],
    [schema.households, data.households],
    [schema.houses, data.houses],
    [schema.donors, data.donors],
    [schema.contributions, data.contributions],
    [schema.journalEntries, sealed.entries.map(({ lines: _lines, ...entry }) => entry)],
    [schema.journalLines, lines],
    [schema.publicRecords, sealed.records],
    [schema.poolLots, data.lots],
    [schema.allocations, data.allocations],
    [schema.disbursements, data.disbursements],
    [schema.statePayments, data.statePayments],
    [schema.bankStatements, statements],
    [schema.bankStatementRows, statementRows],
    [schema.treasuryMovements, data.movements.map((m) => ({ ...m, bankRowId: bankRowOf.get(m.id) ?? null }))],
  ];
  const total = tables.reduce((sum, [, rows]) => sum + rows.length, 0);
  let done = 0;
  await handle.bulkLoad(async (bulk) => {
    for (const [table, rows] of tables) {
      for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
        const chunk = toTsv(table, rows.slice(i, i + CHUNK_ROWS));
        await bulk.copy(chunk.name, chunk.columns, chunk.tsv);
        onProgress((done += Math.min(CHUNK_ROWS, rows.length - i)), total);
      }
    }
    const head = sealed.entries.at(-1);
    if (head) await bulk.exec(`UPDATE chain_head SET entry_count = ${head.id}, head_hash = '${head.hash}'`);
    // Explicit ids were written: move each sequence past them so live inserts do not collide.
    for (const [table, column] of [['campaigns', 'id'], ['areas', 'id'], ['households', 'id'], ['houses', 'id'], ['donors', 'id'], ['contributions', 'id'], ['allocations', 'id'], ['disbursements', 'id'], ['state_payments', 'id'], ['bank_statements', 'id'], ['bank_statement_rows', 'id'], ['treasury_movements', 'id'], ['pool_lots', 'seq']] as const) {
      await bulk.exec(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), coalesce((SELECT max(${column}) FROM ${table}), 0) + 1, false)`);
    }
  });
  // Fresh statistics, or the planner guesses badly about tables that were empty a moment ago.
  await handle.db.execute(sql`ANALYZE`);
  return sealed.entries;
}
