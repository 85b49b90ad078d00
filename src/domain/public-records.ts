// The database side of public records: salting and committing at posting, the side tables' current
// values rendered through the same field lists for ledger:verify, and withdrawal from publication.
import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, schema, type Db, type Tx } from '../../db/client';
import { commitmentInput } from '../ledger/canonical';
import { contributionRecord, publicRecord, RECORD_FIELDS, subjectRecord, type FieldType, type FlatRecordKind, type PublicRecordDraft } from '../ledger/public-record';
import { selectContributions, toPublicContribution } from '../publish/contribution-rows';
import { describeEntry } from '../ledger/descriptions';
import { assertBalanced, type EntryDraft, type PostedEntry } from '../ledger/entry';
import { publicHeadName } from '../publish/privacy';
import { stageColumn, stageNames } from './houses';
import { stages, type Stage } from './schemas';
import { appendEntries, runOnce, type Outcome } from './journal';
import { idempotencyKey } from './schemas';
import { parseInput } from './validate';
import { DomainError } from './errors';

export interface SealedRecord extends PublicRecordDraft {
  salt: string;
  commitment: string;
}

// A fresh random salt per record, so a withdrawn record's text cannot be guessed back from its commitment.
export function sealRecord(record: PublicRecordDraft, salt = randomBytes(16).toString('hex')): SealedRecord {
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
const PROJECTIONS: { [K in 'allocation' | 'disbursement' | 'state_payment' | 'treasury']: { from: string; record: string } } = {
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
  treasury: {
    // Movements posted before treasury records existed committed nothing: only those whose entry commits are compared.
    from: '(SELECT s.* FROM treasury_movements s JOIN journal_entries e ON e.id = s.entry_id WHERE e.commitment IS NOT NULL) s',
    // The SQL twin of treasuryRecord(): a bank charge's reference is the bank row's key, which names the account.
    record: sqlRecord('treasury', {
      amount_vnd: 's.amount_vnd', kind: 's.kind', occurred_at: `to_char(s.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
      reference: "CASE WHEN s.kind = 'bank_charge' THEN NULL ELSE s.reference END",
    }),
  },
};

/** A treasury movement as the public sees it. */
export interface TreasuryMovement { kind: 'payout' | 'deposit' | 'bank_charge'; reference: string; amountVnd: number; occurredAt: Date }

// What the chain commits of a treasury movement: its kind, amount and time, and the payout id or deposit
// slip; a bank charge's reference is the bank row's key, which holds the fund's account number, so none.
export function treasuryRecord(m: TreasuryMovement): PublicRecordDraft {
  return publicRecord('treasury', { amount_vnd: m.amountVnd, kind: m.kind, occurred_at: m.occurredAt.toISOString(), reference: m.kind === 'bank_charge' ? null : m.reference });
}

export interface RecordFault {
  /** The entry that committed the record; null for a published row that no record commits. */
  entryId: number | null;
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
  for (const [kind, projection] of Object.entries(PROJECTIONS) as [keyof typeof PROJECTIONS, (typeof PROJECTIONS)[keyof typeof PROJECTIONS]][]) {
    const [changed] = await queryRows<{ entry_id: string | number; committed: string | null; shown: string | null }>(tx, sql`
      SELECT coalesce(r.entry_id, s.entry_id) AS entry_id, r.body AS committed, ${sql.raw(projection.record)} AS shown
      FROM ${sql.raw(projection.from)}
      FULL JOIN (SELECT * FROM public_records WHERE kind = ${kind}) r ON r.entry_id = s.entry_id
      WHERE (r.entry_id IS NULL AND s.entry_id IS NOT NULL)
         OR (r.body IS NOT NULL AND r.body IS DISTINCT FROM ${sql.raw(projection.record)})
      ORDER BY 1 LIMIT 1`);
    if (changed) {
      return { entryId: Number(changed.entry_id), reason: `the ${kind} shown now (${changed.shown ?? 'nothing'}) differs from the committed record (${changed.committed ?? 'none'})` };
    }
  }
  return subjectMismatch(tx);
}

/** A subject's published row (house, head of household, stage, photo) keyed as its records are. */
interface SubjectProjection {
  kind: FlatRecordKind;
  /** SELECT key, record, label: each subject's row rendered as its record would be. */
  shown: string;
  /** The key of a public_records row r, matching the shown key. */
  key: string;
}

// Built when first asked for: stageColumn comes from the houses module, which imports this one.
function subjectProjections(): SubjectProjection[] {
  const houseRows = 'houses h JOIN households d ON d.id = h.household_id';
  const stageValues = stages.map((stage) => `('${stage}', h.${schema.houses[stageColumn[stage]].name})`).join(', ');
  return [
    {
      kind: 'house', key: 'r.subject_id::text',
      shown: `SELECT h.id::text AS key, h.public_code AS label, ${sqlRecord('house', {
        area_code: 'a.code', budget_vnd: 'h.budget_vnd', code: 'h.public_code', housing_need: 'd.housing_need', minutes_ref: 'h.minutes_ref', poverty_status: 'd.poverty_status', type: 'h.type',
      })} AS record FROM ${houseRows} JOIN areas a ON a.id = h.area_id`,
    },
    {
      // The SQL twin of publicHeadName(): the full name only while the household consents.
      kind: 'consent', key: 'r.subject_id::text',
      shown: `SELECT h.id::text AS key, h.public_code AS label, ${sqlRecord('consent', {
        head: 'CASE WHEN d.publish_full_name THEN d.head_full_name ELSE d.head_initials END', house_code: 'h.public_code',
      })} AS record FROM ${houseRows}`,
    },
    {
      kind: 'stage', key: "r.subject_id::text || ':' || (r.body::jsonb->>'stage')",
      shown: `SELECT h.id || ':' || s.stage AS key, h.public_code || ' ' || s.stage AS label, ${sqlRecord('stage', {
        house_code: 'h.public_code', on: "to_char(s.on_date, 'YYYY-MM-DD')", stage: 's.stage',
      })} AS record FROM houses h CROSS JOIN LATERAL (VALUES ${stageValues}) AS s(stage, on_date) WHERE s.on_date IS NOT NULL`,
    },
    {
      kind: 'photo', key: 'r.subject_id::text',
      shown: `SELECT p.id::text AS key, h.public_code || ' photo #' || p.id AS label, ${sqlRecord('photo', {
        file: 'p.stored_name', height: 'p.height', house_code: 'h.public_code', sha256: 'p.sha256', stage: 'p.stage', width: 'p.width',
      })} AS record FROM photos p JOIN houses h ON h.id = p.house_id`,
    },
  ];
}

// Each house, head of household, stage date and photo as published now, against the latest record
// committed for it: a row changed, added or deleted behind the application's back is caught.
async function subjectMismatch(tx: Tx): Promise<RecordFault | undefined> {
  for (const projection of subjectProjections()) {
    const [changed] = await queryRows<{ entry_id: string | number | null; label: string | null; committed: string | null; shown: string | null }>(tx, sql`
      WITH shown AS (${sql.raw(projection.shown)}),
      committed AS (
        SELECT DISTINCT ON (key) key, entry_id, body FROM (
          SELECT ${sql.raw(projection.key)} AS key, r.entry_id, r.body FROM public_records r WHERE r.kind = ${projection.kind}) x
        ORDER BY key, entry_id DESC)
      SELECT c.entry_id, s.label, c.body AS committed, s.record AS shown
      FROM shown s FULL JOIN committed c ON c.key = s.key
      WHERE c.body IS DISTINCT FROM s.record
      ORDER BY c.entry_id NULLS FIRST LIMIT 1`);
    if (changed) {
      const what = `the ${projection.kind}${changed.label ? ` of ${changed.label}` : ''}`;
      return changed.entry_id === null
        ? { entryId: null, reason: `${what} (${changed.shown}) has no committed record` }
        : { entryId: Number(changed.entry_id), reason: `${what} shown now (${changed.shown ?? 'nothing'}) differs from the committed record (${changed.committed ?? 'none'})` };
    }
  }
  return undefined;
}

// The journal's words for a backfilled record, from the record itself.
function backfillDescription(kind: FlatRecordKind, body: Record<string, string>): string {
  const stageName = () => stageNames[body.stage as Stage][0];
  if (kind === 'house') return describeEntry.houseRegistered(body.code!);
  if (kind === 'consent') return describeEntry.headName(body.house_code!);
  return kind === 'stage' ? describeEntry.stage(body.house_code!, stageName()) : describeEntry.photo(body.house_code!, stageName());
}

const BACKFILL_BATCH = 1000;

// `npm run ledger:backfill-records`: commits, once, the record of each house, head of household, stage
// and photo published before record entries existed, rendered from its row as ledger:verify renders it.
// Only subjects with no record at all are committed: a row that differs from its record stays a fault.
export function backfillRecords(db: Db, occurredAt = new Date()): Promise<{ committed: number }> {
  return db.transaction(async (tx) => {
    // The chain's one writer locks this row too: two backfills run one after the other, the second finds nothing.
    await tx.execute(sql`SELECT 1 FROM chain_head WHERE id = 1 FOR UPDATE`);
    let committed = 0;
    for (const projection of subjectProjections()) {
      const missing = await queryRows<{ key: string; record: string }>(tx, sql`
        WITH shown AS (${sql.raw(projection.shown)})
        SELECT s.key, s.record FROM shown s
        WHERE NOT EXISTS (SELECT 1 FROM public_records r WHERE r.kind = ${projection.kind} AND ${sql.raw(projection.key)} = s.key)
        ORDER BY length(s.key), s.key`);
      for (let i = 0; i < missing.length; i += BACKFILL_BATCH) {
        await commitRecords(tx, occurredAt, missing.slice(i, i + BACKFILL_BATCH).map(({ key, record }) => ({
          description: backfillDescription(projection.kind, JSON.parse(record) as Record<string, string>),
          record: { kind: projection.kind, subjectId: Number.parseInt(key, 10), body: record },
        })));
      }
      committed += missing.length;
    }
    return { committed };
  });
}

/** A fact without money to commit: its public record and the words the journal shows for it. */
export interface RecordPosting {
  description: string;
  record: PublicRecordDraft;
}

// Posts one record entry (no lines) per fact through the chain's one writer, in one append.
export function commitRecords(tx: Tx, occurredAt: Date, postings: RecordPosting[]): Promise<PostedEntry[]> {
  const drafts: EntryDraft[] = postings.map(({ description, record }) => ({
    kind: 'record', occurredAt, description, contributionId: null, reversesEntryId: null, reason: null, lines: [], record,
  }));
  drafts.forEach(assertBalanced);
  return appendEntries(tx, drafts);
}

// Clears withdrawn records' text, naming the entry that replaced each; their commitments stay in the chain.
async function clearWithdrawn(tx: Tx, withdrawn: { entry_id: number; by: number }[]): Promise<void> {
  await tx.execute(sql`
    UPDATE public_records r SET body = NULL, withdrawn_by_entry_id = v.by
    FROM jsonb_to_recordset(${JSON.stringify(withdrawn)}::jsonb) AS v(entry_id bigint, by bigint)
    WHERE r.entry_id = v.entry_id`);
}

/** What the site shows of a head of household, committed at registration and again when consent is withdrawn. */
export function consentRecord(houseId: number, houseCode: string, household: Parameters<typeof publicHeadName>[0]): PublicRecordDraft {
  return subjectRecord('consent', houseId, { head: publicHeadName(household), house_code: houseCode });
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
    return giftRecord(c, donor, found.get(`house:${c.targetHouseId}`)?.code ?? null, found.get(`area:${c.targetAreaId}`)?.code ?? null);
  });
}

// One gift's record from its row, its donor's public fields and its target's codes (the demo loader builds it the same way).
export function giftRecord(
  c: Pick<typeof schema.contributions.$inferInsert, 'id' | 'receiptCode' | 'receivedAt' | 'kind' | 'channel' | 'amountVnd' | 'targetType' | 'details'>,
  donor: { display_name: string | null; anonymous: boolean | null; kind: string | null | undefined },
  houseCode: string | null,
  areaCode: string | null,
): PublicRecordDraft {
  return contributionRecord(toPublicContribution({
    id: c.id, receipt_code: c.receiptCode, received_at: c.receivedAt, kind: c.kind, channel: c.channel ?? null, amount_vnd: c.amountVnd, target_type: c.targetType,
    details: c.details ?? null, house_code: houseCode, area_code: areaCode,
    display_name: donor.display_name, anonymous: Boolean(donor.anonymous), donor_kind: donor.kind, entry_id: null, entry_hash: null, reversed_by: null,
  }));
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

// Who asked for a withdrawal and when, under its idempotency key: common to every kind of withdrawal.
const withdrawalRequest = {
  idempotencyKey,
  requestedBy: z.string().trim().min(1).max(100),
  occurredAt: z.coerce.date(),
};

export const donorWithdrawalInput = z.object({ ...withdrawalRequest, donorId: z.number().int().positive() });

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
  const posted = await commitRecords(tx, occurredAt, again.map((row) => ({ description: describeEntry.withdrawal(row.receipt_code), record: contributionRecord(row) })));
  await clearWithdrawn(tx, again.map((row, i) => ({ entry_id: Number(previous.get(row.id)!.entry_id), by: posted[i]!.id })));
  return { withdrawn: again.length };
}

export const consentInput = z.object({ ...withdrawalRequest, houseId: z.number().int().positive() });

// A household withdraws its consent to show the head's full name: from now on the initials are shown,
// committed as a new record, and the record that showed the name loses its text.
export function withdrawHeadNameConsent(db: Db, raw: unknown): Promise<Outcome<{ withdrawn: number }>> {
  return changeConsent(db, raw, false).then(({ result, replayed }) => ({ result: { withdrawn: result.withdrawn }, replayed }));
}

// A household that did not consent at registration gives its consent later: the full name is shown from
// now on, committed as a new record that supersedes the initials (nothing is withdrawn: initials are public).
export function giveHeadNameConsent(db: Db, raw: unknown): Promise<Outcome<{ committed: number }>> {
  return changeConsent(db, raw, true).then(({ result, replayed }) => ({ result: { committed: result.committed }, replayed }));
}

// Sets the household's consent and commits what the site now shows of its head, once per request;
// nothing is committed when the site already showed that. Withdrawing clears the record that showed the name.
function changeConsent(db: Db, raw: unknown, publish: boolean): Promise<Outcome<{ committed: number; withdrawn: number }>> {
  const input = parseInput(consentInput, raw);
  const { idempotencyKey: key, ...request } = input;
  return runOnce(db, key, { ...request, publish }, async (tx) => {
    const [house] = await tx.select({ code: schema.houses.publicCode, householdId: schema.houses.householdId }).from(schema.houses).where(eq(schema.houses.id, input.houseId));
    if (!house) throw new DomainError(404, 'house_unknown', `Không có nhà #${input.houseId}.`, `No house #${input.houseId}.`);
    const [household] = await tx.update(schema.households).set({ publishFullName: publish }).where(eq(schema.households.id, house.householdId)).returning();
    const [latest] = await queryRows<{ entry_id: string | number; body: string | null }>(tx, sql`
      SELECT entry_id, body FROM public_records WHERE kind = 'consent' AND subject_id = ${input.houseId} ORDER BY entry_id DESC LIMIT 1`);
    const record = consentRecord(input.houseId, house.code, household!);
    if (latest?.body === record.body) return { committed: 0, withdrawn: 0 };
    const description = publish ? describeEntry.consentGiven(house.code) : describeEntry.consentWithdrawn(house.code);
    const [posted] = await commitRecords(tx, input.occurredAt, [{ description, record }]);
    const withdraw = !publish && Boolean(latest?.body);
    if (withdraw) await clearWithdrawn(tx, [{ entry_id: Number(latest!.entry_id), by: posted!.id }]);
    return { committed: 1, withdrawn: withdraw ? 1 : 0 };
  });
}
