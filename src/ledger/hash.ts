import { createHash } from 'node:crypto';
import type { EntryDraft } from './entry';

export const GENESIS_HASH = '0'.repeat(64);

/** An entry as it is serialised: the lines already rendered as JSON arrays, joined by commas. */
export interface CanonicalParts {
  kind: string;
  occurredAtIso: string;
  description: string;
  contributionId: number | null;
  reversesEntryId: number | null;
  reason: string | null;
  linesJson: string;
}

// One line as `[account,house_id,area_id,contribution_id,amount_vnd]`, exactly as JSON.stringify writes it.
export function lineJson(account: string, houseId: number | null, areaId: number | null, contributionId: number | null, amountVnd: number): string {
  return `[${JSON.stringify(account)},${houseId ?? 'null'},${areaId ?? 'null'},${contributionId ?? 'null'},${amountVnd}]`;
}

export function partsOf(entry: EntryDraft): CanonicalParts {
  return {
    kind: entry.kind,
    occurredAtIso: entry.occurredAt.toISOString(),
    description: entry.description,
    contributionId: entry.contributionId,
    reversesEntryId: entry.reversesEntryId,
    reason: entry.reason,
    linesJson: entry.lines.map((l) => lineJson(l.account, l.houseId, l.areaId, l.contributionId, l.amountVnd)).join(','),
  };
}

// Fixed key order and plain JSON so any language (and the browser) can rebuild the same bytes.
// The tail is everything after the id, so the database can prepend the id it assigns.
export function canonicalTailOf(parts: CanonicalParts): string {
  return `"kind":${JSON.stringify(parts.kind)},"occurred_at":${JSON.stringify(parts.occurredAtIso)},`
    + `"description":${JSON.stringify(parts.description)},"contribution_id":${parts.contributionId ?? 'null'},`
    + `"reverses_entry_id":${parts.reversesEntryId ?? 'null'},"reason":${JSON.stringify(parts.reason)},"lines":[${parts.linesJson}]}`;
}

export function canonicalTail(entry: EntryDraft): string {
  return canonicalTailOf(partsOf(entry));
}

export function canonicalEntry(id: number, entry: EntryDraft): string {
  return `{"id":${id},${canonicalTail(entry)}`;
}

// Each hash covers the previous one, so rewriting any past entry changes every hash after it.
export function hashTail(prevHash: string, id: number, tail: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(`{"id":${id},`).update(tail).digest('hex');
}

export function chainHash(prevHash: string, id: number, entry: EntryDraft): string {
  return hashTail(prevHash, id, canonicalTail(entry));
}

export interface ChainFault {
  entryId: number;
  reason: string;
}

/** A link of the chain: an entry, or its canonical tail already rendered (ledger:verify reads those). */
export type ChainLink = { id: number; prevHash: string; hash: string } & (EntryDraft | { tail: string });

// Walks entries in order and names the first one whose position, link or hash is wrong.
export function* verifyChain(
  entries: Iterable<ChainLink>,
  start: { count: number; headHash: string } = { count: 0, headHash: GENESIS_HASH },
): Generator<ChainFault, { count: number; headHash: string }> {
  let { count, headHash } = start;
  for (const entry of entries) {
    const expectedId = count + 1;
    if (entry.id !== expectedId) {
      yield { entryId: entry.id, reason: `expected entry #${expectedId} next, found #${entry.id}` };
    } else if (entry.prevHash !== headHash) {
      yield { entryId: entry.id, reason: 'prev_hash does not match the hash of the entry before it' };
    } else if (hashTail(headHash, entry.id, 'tail' in entry ? entry.tail : canonicalTail(entry)) !== entry.hash) {
      yield { entryId: entry.id, reason: 'hash does not match the entry content' };
    }
    count = entry.id;
    headHash = entry.hash;
  }
  return { count, headHash };
}
