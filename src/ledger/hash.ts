import { createHash } from 'node:crypto';
import { canonicalEntryOf, canonicalTailOf, lineJson, type CanonicalParts } from './canonical';
import type { EntryDraft } from './entry';

export const GENESIS_HASH = '0'.repeat(64);

export function partsOf(entry: EntryDraft): CanonicalParts {
  return {
    kind: entry.kind,
    occurredAtIso: entry.occurredAt.toISOString(),
    description: entry.description,
    contributionId: entry.contributionId,
    reversesEntryId: entry.reversesEntryId,
    reason: entry.reason,
    commitment: entry.commitment ?? null,
    linesJson: entry.lines.map((l) => lineJson(l.account, l.houseId, l.areaId, l.contributionId, l.amountVnd)).join(','),
  };
}

export function canonicalTail(entry: EntryDraft): string {
  return canonicalTailOf(partsOf(entry));
}

export function canonicalEntry(id: number, entry: EntryDraft): string {
  return canonicalEntryOf(id, partsOf(entry));
}

// Each hash covers the previous one, so rewriting any past entry changes every hash after it.
export function hashTail(prevHash: string, id: number, tail: string): string {
  // One update of the joined text: the bytes are the same, and a million entries cross into C++ a quarter as often.
  return createHash('sha256').update(`${prevHash}\n{"id":${id},${tail}`).digest('hex');
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
