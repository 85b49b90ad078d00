// Reading the journal back as posted entries, for exports that must not hold it all in memory.
import { and, asc, gt, lte } from 'drizzle-orm';
import { schema, type Db, type Tx } from '../../db/client';
import type { AccountCode } from '../ledger/accounts';
import type { PostedEntry } from '../ledger/entry';

const { journalEntries, journalLines } = schema;

// Reads the journal in id order a batch at a time, so a national-size journal never sits in memory;
// `from` skips the entries an incremental publish already has.
export async function* journalBatches(db: Db | Tx, from = 0, batchSize = 5000): AsyncGenerator<PostedEntry[]> {
  let after = from;
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
