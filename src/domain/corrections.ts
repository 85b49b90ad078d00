// Mistakes are corrected by a reversing entry that names what it reverses and why; nothing is edited.
import { asc, eq } from 'drizzle-orm';
import { schema, type Tx, type Db } from '../../db/client';
import { reversalOf, type PostedEntry } from '../ledger/entry';
import type { AccountCode } from '../ledger/accounts';
import { DomainError, notFound } from './errors';
import { lockCounters, postEntry, runOnce, type Outcome } from './journal';
import { effectsOf } from '../ledger/effects';
import { assertEffectsAllowed } from '../ledger/rules';
import { reversalInput } from './schemas';
import { parseInput } from './validate';

const { journalEntries, journalLines } = schema;

export async function loadEntry(tx: Tx | Db, entryId: number): Promise<PostedEntry | undefined> {
  const [entry] = await tx.select().from(journalEntries).where(eq(journalEntries.id, entryId));
  if (!entry) return undefined;
  const lines = await tx.select().from(journalLines).where(eq(journalLines.entryId, entryId)).orderBy(asc(journalLines.lineNo));
  return { ...entry, lines: lines.map((l) => ({ ...l, account: l.account as AccountCode })), kind: entry.kind as PostedEntry['kind'] };
}

export async function reverseEntry(db: Db, raw: unknown): Promise<Outcome<{ entryId: number; reversesEntryId: number }>> {
  const input = parseInput(reversalInput, raw);
  const { idempotencyKey, ...request } = input;
  return runOnce(db, idempotencyKey, request, async (tx) => {
    // Two reversals of one entry queue on its row, so the second sees the first and is refused as
    // already reversed (not with whatever counter the duplicate would have overdrawn).
    await tx.select({ id: journalEntries.id }).from(journalEntries).where(eq(journalEntries.id, input.entryId)).for('no key update');
    const original = await loadEntry(tx, input.entryId);
    if (!original) throw notFound(`bút toán #${input.entryId}`, `Entry #${input.entryId}`);
    const [already] = await tx.select({ id: journalEntries.id }).from(journalEntries).where(eq(journalEntries.reversesEntryId, original.id));
    if (already) {
      throw new DomainError(409, 'already_reversed', `Bút toán #${original.id} đã được đảo bởi #${already.id}.`,
        `Entry #${original.id} was already reversed by #${already.id}.`);
    }
    const draft = reversalOf(original, `${input.reason} (${input.requestedBy})`, input.occurredAt);
    const effects = effectsOf(draft.lines);
    // The same rule the in-memory book applies, over the rows the reversal changes, locked.
    assertEffectsAllowed(await lockCounters(tx, effects), effects);
    const entry = await postEntry(tx, draft);
    return { entryId: entry.id, reversesEntryId: original.id };
  });
}
