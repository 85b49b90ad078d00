import { createHash } from 'node:crypto';
import type { EntryDraft } from './entry';

export const GENESIS_HASH = '0'.repeat(64);

// Fixed key order and plain JSON so any language (and the browser) can rebuild the same bytes.
// The tail is everything after the id, so the database can prepend the id it assigns.
export function canonicalTail(entry: EntryDraft): string {
  return JSON.stringify({
    kind: entry.kind,
    occurred_at: entry.occurredAt.toISOString(),
    description: entry.description,
    contribution_id: entry.contributionId,
    reverses_entry_id: entry.reversesEntryId,
    reason: entry.reason,
    lines: entry.lines.map((l) => [l.account, l.houseId, l.areaId, l.contributionId, l.amountVnd]),
  }).slice(1);
}

export function canonicalEntry(id: number, entry: EntryDraft): string {
  return `{"id":${id},${canonicalTail(entry)}`;
}

// Each hash covers the previous one, so rewriting any past entry changes every hash after it.
export function chainHash(prevHash: string, id: number, entry: EntryDraft): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalEntry(id, entry)).digest('hex');
}

export interface ChainFault {
  entryId: number;
  reason: string;
}

// Walks entries in order and names the first one whose position, link or hash is wrong.
export function* verifyChain(
  entries: Iterable<EntryDraft & { id: number; prevHash: string; hash: string }>,
  start: { count: number; headHash: string } = { count: 0, headHash: GENESIS_HASH },
): Generator<ChainFault, { count: number; headHash: string }> {
  let { count, headHash } = start;
  for (const entry of entries) {
    const expectedId = count + 1;
    if (entry.id !== expectedId) {
      yield { entryId: entry.id, reason: `expected entry #${expectedId} next, found #${entry.id}` };
    } else if (entry.prevHash !== headHash) {
      yield { entryId: entry.id, reason: 'prev_hash does not match the hash of the entry before it' };
    } else if (chainHash(headHash, entry.id, entry) !== entry.hash) {
      yield { entryId: entry.id, reason: 'hash does not match the entry content' };
    }
    count = entry.id;
    headHash = entry.hash;
  }
  return { count, headHash };
}
