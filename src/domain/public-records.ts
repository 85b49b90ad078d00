// The database side of public records: salting and committing at posting, the side tables' current
// values rendered through the same field lists for ledger:verify, and withdrawal from publication.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client';
import { commitmentInput } from '../ledger/canonical';
import { RECORD_FIELDS, type FieldType, type FlatRecordKind, type PublicRecordDraft } from '../ledger/public-record';

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
