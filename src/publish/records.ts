// The published public records (records.ndjson): each committed entry's record with its salt, or
// "withdrawn" with the commitment alone. No Node imports: the verifiers run this over downloaded files.
import { canonicalJson, commitmentInput, type PublicValue } from '../ledger/canonical';
import type { Sha256Hex } from './chain';
import type { PublicAllocation, PublicContribution, PublicDisbursement } from './format';
import { contributionRecord } from '../ledger/public-record';

export interface PublishedRecord {
  entry_id: number;
  kind: string;
  /** The contribution a record shows (a later record of the same subject supersedes it). */
  subject_id: number | null;
  salt: string;
  /** The record as shown; null once withdrawn from publication. */
  record: { [field: string]: PublicValue } | null;
  withdrawn_by_entry_id: number | null;
}

// Checks one published record against the commitment its entry carries in the chain.
export async function recordFault(published: PublishedRecord, commitment: string | undefined, sha256: Sha256Hex): Promise<string | undefined> {
  if (commitment === undefined) return `entry #${published.entry_id} carries no commitment for this record`;
  if (published.record === null) return published.withdrawn_by_entry_id === null ? 'the record is withdrawn without naming the entry that withdrew it' : undefined;
  const hash = await sha256(commitmentInput(published.salt, canonicalJson(published.record)));
  return hash === commitment ? undefined : 'the record does not match the commitment in the chain';
}

/** What a published allocation or payment line must show, given its committed record. */
export function lineFromRecord(line: PublicAllocation | PublicDisbursement, record: PublishedRecord['record']): string | undefined {
  if (record === null) return undefined;
  const shown: Record<string, PublicValue> = 'decision_ref' in line
    ? { amount_vnd: line.amount_vnd, decision_ref: line.decision_ref, house_code: line.house_code, pool: line.pool }
    : { amount_vnd: line.amount_vnd, house_code: line.house_code, purpose: line.purpose };
  const committed: Record<string, PublicValue> = { ...record };
  if ('pool_key' in committed) {
    committed.pool = committed.pool_key === 'general' ? 'general' : 'commune';
    delete committed.pool_key;
  }
  for (const [field, value] of Object.entries(shown)) {
    if (committed[field] !== value) return `${field} is ${JSON.stringify(value)}, the committed record says ${JSON.stringify(committed[field])}`;
  }
  return undefined;
}

// A published contribution against the latest record committed for it; withdrawn text never counts.
export function contributionFault(shown: PublicContribution, latest: PublishedRecord | undefined): string | undefined {
  if (!latest) return undefined;
  if (latest.record === null) return 'its latest record is withdrawn with nothing committed in its place';
  const now = contributionRecord(shown).body;
  const committed = canonicalJson(latest.record);
  return now === committed ? undefined : `shows ${now}, the committed record says ${committed}`;
}
