// Recomputes the hash chain, every entry's balance and every counter from the journal alone.
import { and, asc, gt, lte } from 'drizzle-orm';
import { schema, type Db } from '../../db/client';
import type { AccountCode } from '../ledger/accounts';
import { effectsOf, type Effects } from '../ledger/effects';
import { assertBalanced, type PostedEntry } from '../ledger/entry';
import { LedgerRuleError } from '../ledger/errors';
import { GENESIS_HASH, verifyChain } from '../ledger/hash';

const { journalEntries, journalLines, chainHead, houses, poolLots } = schema;

export interface VerifyReport {
  ok: boolean;
  entries: number;
  headHash: string;
  /** The first thing that does not check out, naming the entry where there is one. */
  fault?: { entryId: number | null; reason: string };
}

// Reads the journal in id order a batch at a time, so a national-size journal never sits in memory.
export async function* journalBatches(db: Db, batchSize = 5000): AsyncGenerator<PostedEntry[]> {
  let after = 0;
  for (;;) {
    const entries = await db.select().from(journalEntries).where(gt(journalEntries.id, after)).orderBy(asc(journalEntries.id)).limit(batchSize);
    if (entries.length === 0) return;
    const last = entries.at(-1)!.id;
    const lines = await db.select().from(journalLines)
      .where(and(gt(journalLines.entryId, after), lte(journalLines.entryId, last)))
      .orderBy(asc(journalLines.entryId), asc(journalLines.lineNo));
    const byEntry = new Map<number, PostedEntry['lines']>();
    for (const l of lines) {
      const list = byEntry.get(l.entryId) ?? [];
      list.push({ account: l.account as AccountCode, houseId: l.houseId, areaId: l.areaId, contributionId: l.contributionId, amountVnd: l.amountVnd });
      byEntry.set(l.entryId, list);
    }
    yield entries.map((e) => ({ ...e, kind: e.kind as PostedEntry['kind'], lines: byEntry.get(e.id) ?? [] }));
    after = last;
  }
}

export async function verifyLedger(db: Db, onProgress?: (entries: number) => void): Promise<VerifyReport> {
  const effects: Effects = { houses: new Map(), pools: new Map(), lots: new Map() };
  let position = { count: 0, headHash: GENESIS_HASH };
  const fail = (entryId: number | null, reason: string): VerifyReport => ({ ok: false, entries: position.count, headHash: position.headHash, fault: { entryId, reason } });

  for await (const batch of journalBatches(db)) {
    for (const entry of batch) {
      try {
        assertBalanced(entry);
      } catch (error) {
        return fail(entry.id, error instanceof LedgerRuleError ? error.messageEn : String(error));
      }
      effectsOf(entry.lines, effects);
    }
    const chain = verifyChain(batch, position);
    const step = chain.next();
    if (!step.done) return fail(step.value.entryId, step.value.reason);
    position = step.value;
    onProgress?.(position.count);
  }

  const [head] = await db.select().from(chainHead);
  if (!head || head.entryCount !== position.count || head.headHash !== position.headHash) {
    return fail(null, `chain head says ${head?.entryCount} entries ending ${head?.headHash}, the journal has ${position.count} ending ${position.headHash}`);
  }
  for (const house of await db.select().from(houses)) {
    const expected = effects.houses.get(house.id) ?? { allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 0 };
    if (house.allocatedVnd !== expected.allocatedVnd || house.cashAllocatedVnd !== expected.cashAllocatedVnd || house.disbursedVnd !== expected.disbursedVnd) {
      return fail(null, `house ${house.publicCode} counters (${house.allocatedVnd}/${house.cashAllocatedVnd}/${house.disbursedVnd}) differ from the journal (${expected.allocatedVnd}/${expected.cashAllocatedVnd}/${expected.disbursedVnd})`);
    }
  }
  const lots = await db.select().from(poolLots);
  for (const lot of lots) {
    const expected = effects.lots.get(`${lot.poolKey}|${lot.contributionId}`)?.deltaVnd ?? 0;
    if (lot.remainingVnd !== expected) {
      return fail(null, `pool ${lot.poolKey} lot of contribution #${lot.contributionId} holds ${lot.remainingVnd}, the journal says ${expected}`);
    }
  }
  if (lots.length !== effects.lots.size) return fail(null, `the journal has ${effects.lots.size} pool lots, the table ${lots.length}`);
  return { ok: true, entries: position.count, headHash: position.headHash };
}
