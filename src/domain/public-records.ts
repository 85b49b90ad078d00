// The database side of public records: salting and committing at posting, the side tables' current
// values rendered through the same field lists for ledger:verify, and withdrawal from publication.
import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, schema, type Db, type Tx } from '../../db/client';
import { commitmentInput } from '../ledger/canonical';
import { contributionRecord, RECORD_FIELDS, type FieldType, type FlatRecordKind, type PublicRecordDraft } from '../ledger/public-record';
import { selectContributions, toPublicContribution } from '../publish/contribution-rows';
import { describeEntry } from '../ledger/descriptions';
import { assertBalanced, type EntryDraft } from '../ledger/entry';
import { appendEntries, runOnce, type Outcome } from './journal';
import { idempotencyKey } from './schemas';
import { parseInput } from './validate';
import { DomainError } from './errors';

export interface SealedRecord extends PublicRecordDraft {
  salt: string;
  commitment: string;
}

// A fresh random salt per record, so a withdrawn record's text cannot be guessed back from its commitment.
export function sealRecord(record: PublicRecordDraft): SealedRecord {
  const salt = randomBytes(16).toString('hex');
  return { ...record, salt, commitment: createHash('sha256').update(commitmentInput(salt, record.body)).digest('hex') };
}

// One field as canonical JSON in SQL: the same bytes canonicalJson() writes for that type.
function sqlField(type: FieldType, expression: string): string {
  return type === 'int' ? `coalesce((${expression})::bigint::text, 'null')` : `coalesce(to_json((${expression})::text)::text, 'null')`;
}

// A record as canonical JSON in SQL: keys in the sorted order canonicalJson() uses.
export function sqlRecord<K extends FlatRecordKind>(kind: K, expressions: { [F in keyof (typeof RECORD_FIELDS)[K]]: string }): string {
  const fields: Record<string, FieldType> = RECORD_FIELDS[kind];
  const exprs = expressions as Record<string, string>;
  const parts = Object.keys(fields).sort().map((name, i) => `'${i === 0 ? '{' : ','}${JSON.stringify(name)}:' || ${sqlField(fields[name]!, exprs[name]!)}`);
  return `${parts.join(' || ')} || '}'`;
}

/** Where each kind of record's current values live: the side table joined to the entry that committed them. */
const PROJECTIONS: { [K in FlatRecordKind]: { from: string; record: string } } = {
  allocation: {
    from: 'allocations s JOIN houses h ON h.id = s.house_id',
    record: sqlRecord('allocation', { amount_vnd: 's.amount_vnd', decision_ref: 's.decision_ref', house_code: 'h.public_code', pool_key: 's.pool_key' }),
  },
  disbursement: {
    from: 'disbursements s JOIN houses h ON h.id = s.house_id',
    record: sqlRecord('disbursement', { amount_vnd: 's.amount_vnd', house_code: 'h.public_code', purpose: 's.purpose' }),
  },
  state_payment: {
    from: 'state_payments s JOIN houses h ON h.id = s.house_id',
    record: sqlRecord('state_payment', { amount_vnd: 's.amount_vnd', document_ref: 's.document_ref', house_code: 'h.public_code', paid_on: 's.paid_on' }),
  },
};

export interface RecordFault {
  entryId: number;
  reason: string;
}

// The first committed record whose text no longer hashes to its commitment, that is missing, or
// whose side-table row now shows something else than what was committed; names the entry.
export async function recordMismatch(tx: Tx): Promise<RecordFault | undefined> {
  const [bad] = await queryRows<{ id: string | number; problem: string }>(tx, sql`
    SELECT e.id, CASE
      WHEN r.entry_id IS NULL THEN 'missing'
      WHEN r.body IS NULL THEN 'withdrawn_unnamed'
      ELSE 'hash' END AS problem
    FROM journal_entries e LEFT JOIN public_records r ON r.entry_id = e.id
    WHERE e.commitment IS NOT NULL AND (r.entry_id IS NULL
      OR (r.body IS NULL AND r.withdrawn_by_entry_id IS NULL)
      OR (r.body IS NOT NULL AND encode(sha256(convert_to(r.salt || r.body, 'UTF8')), 'hex') <> e.commitment))
    ORDER BY e.id LIMIT 1`);
  if (bad) {
    const reasons: Record<string, string> = {
      missing: 'its public record is missing',
      withdrawn_unnamed: 'its public record was cleared without a withdrawal',
      hash: 'its public record no longer matches the commitment in the chain',
    };
    return { entryId: Number(bad.id), reason: reasons[bad.problem]! };
  }
  for (const [kind, projection] of Object.entries(PROJECTIONS) as [FlatRecordKind, (typeof PROJECTIONS)[FlatRecordKind]][]) {
    const [changed] = await queryRows<{ entry_id: string | number; committed: string | null; shown: string | null }>(tx, sql`
      SELECT coalesce(r.entry_id, s.entry_id) AS entry_id, r.body AS committed, ${sql.raw(projection.record)} AS shown
      FROM ${sql.raw(projection.from)}
      FULL JOIN (SELECT * FROM public_records WHERE kind = ${kind}) r ON r.entry_id = s.entry_id
      WHERE (r.entry_id IS NULL AND s.entry_id IN (SELECT id FROM journal_entries WHERE commitment IS NOT NULL))
         OR (r.body IS NOT NULL AND r.body IS DISTINCT FROM ${sql.raw(projection.record)})
      ORDER BY 1 LIMIT 1`);
    if (changed) {
      return { entryId: Number(changed.entry_id), reason: `the ${kind} shown now (${changed.shown ?? 'nothing'}) differs from the committed record (${changed.committed ?? 'none'})` };
    }
  }
  return undefined;
}

/** A contribution about to be written (its id reserved), and its donor's row when the donor is new. */
export interface GiftRows {
  contribution: typeof schema.contributions.$inferInsert;
  newDonor: Partial<typeof schema.donors.$inferInsert> | null;
}

/** The public fields a contribution's record shows of rows already in the database, keyed `donor:<id>`, `house:<id>`, `area:<id>`. */
export type RecordLookup = Map<string, { code: string | null; display_name: string | null; anonymous: boolean | null; kind: string | null }>;

/** Rows whose public fields a batch of records needs; `areasOfHouses` adds the communes of the houses (a house gift may overflow there). */
export interface LookupIds { donorIds: number[]; houseIds: number[]; areaIds: number[]; areasOfHouses?: boolean }

// Reads the public fields of the donors, houses and communes records will show, in one query (none when nothing is asked).
export async function recordLookup(tx: Tx, ids: LookupIds): Promise<RecordLookup> {
  if (ids.donorIds.length + ids.houseIds.length + ids.areaIds.length === 0) return new Map();
  const list = (values: number[]) => JSON.stringify([...new Set(values)]);
  const houseAreas = ids.areasOfHouses ? sql`OR id IN (SELECT area_id FROM houses WHERE id IN (SELECT jsonb_array_elements_text(${list(ids.houseIds)}::jsonb)::integer))` : sql``;
  const rows = await queryRows<{ what: string; id: number; code: string | null; display_name: string | null; anonymous: boolean | null; kind: string | null }>(tx, sql`
    SELECT 'donor' AS what, id, NULL AS code, display_name, anonymous, kind FROM donors WHERE id IN (SELECT jsonb_array_elements_text(${list(ids.donorIds)}::jsonb)::integer)
    UNION ALL SELECT 'house', id, public_code, NULL, NULL, NULL FROM houses WHERE id IN (SELECT jsonb_array_elements_text(${list(ids.houseIds)}::jsonb)::integer)
    UNION ALL SELECT 'area', id, code, NULL, NULL, NULL FROM areas WHERE id IN (SELECT jsonb_array_elements_text(${list(ids.areaIds)}::jsonb)::integer) ${houseAreas}`);
  return new Map(rows.map((r) => [`${r.what}:${r.id}`, r]));
}

// What a batch's records still need from the database after `found`: known donors and target codes not looked up yet.
export function missingLookups(found: RecordLookup, gifts: GiftRows[]): LookupIds {
  const missing = (what: string, values: (number | null | undefined | false)[]) =>
    values.filter((v): v is number => typeof v === 'number' && !found.has(`${what}:${v}`));
  return {
    donorIds: missing('donor', gifts.map((g) => !g.newDonor && g.contribution.donorId)),
    houseIds: missing('house', gifts.map((g) => g.contribution.targetHouseId)),
    areaIds: missing('area', gifts.map((g) => g.contribution.targetAreaId)),
  };
}

// The public record of each gift, as the open dataset will show it: what `prefetched` lacks read in one
// query, then the export's own privacy filter (toPublicContribution).
export async function contributionRecords(tx: Tx, gifts: GiftRows[], prefetched: RecordLookup = new Map()): Promise<PublicRecordDraft[]> {
  const found = new Map([...prefetched, ...(await recordLookup(tx, missingLookups(prefetched, gifts)))]);
  return gifts.map(({ contribution: c, newDonor }) => {
    const known = found.get(`donor:${c.donorId}`);
    const donor = newDonor ? { display_name: newDonor.displayName ?? null, anonymous: newDonor.anonymous ?? false, kind: newDonor.kind } : known;
    // The same refusal the donor foreign key gives, so a batch falls back to posting its gifts alone.
    if (!donor) throw new DomainError(404, 'unknown_reference', `Không tìm thấy bản ghi được tham chiếu (nhà hảo tâm #${c.donorId}).`, `A referenced record does not exist (donor #${c.donorId}).`);
    return contributionRecord(toPublicContribution({
      id: c.id, receipt_code: c.receiptCode, received_at: c.receivedAt, kind: c.kind, channel: c.channel ?? null, amount_vnd: c.amountVnd, target_type: c.targetType,
      details: c.details ?? null, house_code: found.get(`house:${c.targetHouseId}`)?.code ?? null, area_code: found.get(`area:${c.targetAreaId}`)?.code ?? null,
      display_name: donor.display_name, anonymous: Boolean(donor.anonymous), donor_kind: donor.kind, entry_id: null, entry_hash: null, reversed_by: null,
    }));
  });
}

const CONTRIBUTION_BATCH = 5000;

// Every contribution as the dataset would show it now, against the latest record committed for it
// (the export's own privacy filter renders both): a changed donor name, amount, target, goods list or
// labour detail in any table is caught and named by the entry that committed the record.
export async function contributionMismatch(tx: Tx): Promise<RecordFault | undefined> {
  // Walks the committed records, so a journal posted before commitments costs nothing here.
  for (let after = 0; ;) {
    const latest = await queryRows<{ subject_id: number; entry_id: string | number; body: string | null }>(tx, sql`
      SELECT DISTINCT ON (subject_id) subject_id, entry_id, body FROM public_records
      WHERE kind = 'contribution' AND subject_id > ${after} ORDER BY subject_id, entry_id DESC LIMIT ${CONTRIBUTION_BATCH}`);
    if (latest.length === 0) return undefined;
    const ids = latest.map((r) => Number(r.subject_id));
    const shown = new Map((await selectContributions(tx, sql`c.id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::integer)`, sql`ORDER BY c.id`)).map((row) => [row.id, row]));
    for (const record of latest) {
      const entryId = Number(record.entry_id);
      const row = shown.get(Number(record.subject_id));
      if (!row) return { entryId, reason: `the committed contribution #${record.subject_id} is missing` };
      if (record.body === null) return { entryId, reason: `contribution ${row.receipt_code}: its latest record is withdrawn with nothing committed in its place` };
      const now = contributionRecord(row).body;
      if (now !== record.body) return { entryId, reason: `contribution ${row.receipt_code} shown now (${now}) differs from the committed record (${record.body})` };
    }
    after = ids.at(-1)!;
  }
}

export const donorWithdrawalInput = z.object({
  idempotencyKey,
  donorId: z.number().int().positive(),
  requestedBy: z.string().trim().min(1).max(100),
  occurredAt: z.coerce.date(),
});

// Withdraws a donor's name from publication (the donor asked to become anonymous): the donor is made
// anonymous, each of their committed contributions gets a new record as it is now shown, and the old
// records lose their text; their commitments stay in the chain, which still verifies.
export function withdrawDonorName(db: Db, raw: unknown): Promise<Outcome<{ withdrawn: number }>> {
  const input = parseInput(donorWithdrawalInput, raw);
  const { idempotencyKey: key, ...request } = input;
  return runOnce(db, key, request, (tx) => withdrawIn(tx, input.donorId, input.occurredAt));
}

async function withdrawIn(tx: Tx, donorId: number, occurredAt: Date): Promise<{ withdrawn: number }> {
  const updated = await tx.update(schema.donors).set({ anonymous: true, displayName: null }).where(eq(schema.donors.id, donorId)).returning({ id: schema.donors.id });
  if (updated.length === 0) throw new DomainError(404, 'donor_unknown', `Không có nhà hảo tâm #${donorId}.`, `No donor #${donorId}.`);
  const shown = await selectContributions(tx, sql`c.donor_id = ${donorId}`, sql`ORDER BY c.id`);
  const latest = await queryRows<{ subject_id: number; entry_id: string | number; body: string }>(tx, sql`
    SELECT DISTINCT ON (subject_id) subject_id, entry_id, body FROM public_records
    WHERE kind = 'contribution' AND body IS NOT NULL AND subject_id IN (SELECT id FROM contributions WHERE donor_id = ${donorId})
    ORDER BY subject_id, entry_id DESC`);
  const previous = new Map(latest.map((r) => [Number(r.subject_id), r]));
  // Only records that showed something else (the name) are withdrawn and committed again.
  const again = shown.filter((row) => previous.has(row.id) && previous.get(row.id)!.body !== contributionRecord(row).body);
  if (again.length === 0) return { withdrawn: 0 };
  const drafts: EntryDraft[] = again.map((row) => ({
    kind: 'record', occurredAt, description: describeEntry.withdrawal(row.receipt_code), contributionId: null,
    reversesEntryId: null, reason: null, lines: [], record: contributionRecord(row),
  }));
  drafts.forEach(assertBalanced);
  const posted = await appendEntries(tx, drafts);
  await tx.execute(sql`
    UPDATE public_records r SET body = NULL, withdrawn_by_entry_id = v.by
    FROM jsonb_to_recordset(${JSON.stringify(again.map((row, i) => ({ entry_id: Number(previous.get(row.id)!.entry_id), by: posted[i]!.id })))}::jsonb) AS v(entry_id bigint, by bigint)
    WHERE r.entry_id = v.entry_id`);
  return { withdrawn: again.length };
}
