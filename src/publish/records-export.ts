// records.ndjson: every committed entry's public record with its salt, so anyone can check it against the
// chain; a withdrawn record is published as its commitment's entry and "withdrawn", never its old text.
import { asc, gt, inArray, sql } from 'drizzle-orm';
import { join } from 'node:path';
import { queryRows, schema, type Tx } from '../../db/client';
import { FileSink } from './files';
import { FILES, type DatasetFile } from './format';
import { LineCursor, type IncrementalBase } from './incremental';
import type { PublishedRecord } from './records';

const { publicRecords } = schema;

const lineOf = (r: typeof publicRecords.$inferSelect) => `${JSON.stringify({
  entry_id: r.entryId, kind: r.kind, subject_id: r.subjectId, salt: r.salt, record: r.body === null ? null : JSON.parse(r.body), withdrawn_by_entry_id: r.withdrawnByEntryId,
} satisfies PublishedRecord)}\n`;

// The records after an entry id, a batch at a time, onto the sink.
async function writeRecordsAfter(tx: Tx, out: FileSink, from: number): Promise<number> {
  let read = 0;
  for (let after = from; ;) {
    const rows = await tx.select().from(publicRecords).where(gt(publicRecords.entryId, after)).orderBy(asc(publicRecords.entryId)).limit(5000);
    if (rows.length === 0) return read;
    read += rows.length;
    for (const r of rows) await out.write(lineOf(r));
    after = rows.at(-1)!.entryId;
  }
}

// Every record (full publish).
export async function exportRecords(tx: Tx, root: string, done: (file: DatasetFile) => void): Promise<void> {
  const out = await FileSink.open(root, FILES.records, done);
  await writeRecordsAfter(tx, out, 0);
  await out.close();
}

// The last publish's lines, with those a later record of the same subject withdrew written again, then the new records.
export async function exportChangedRecords(tx: Tx, base: IncrementalBase, root: string, done: (file: DatasetFile) => void): Promise<void> {
  const after = base.checkpoint.entry_count;
  const ids = await queryRows<{ entry_id: number | string }>(tx, sql`
    SELECT old.entry_id FROM public_records r JOIN public_records old ON old.kind = r.kind AND old.subject_id = r.subject_id
    WHERE r.entry_id > ${after} AND old.entry_id <= ${after} AND old.withdrawn_by_entry_id > ${after}`);
  const withdrawn = new Map((ids.length === 0 ? [] : await tx.select().from(publicRecords).where(inArray(publicRecords.entryId, ids.map((r) => Number(r.entry_id)))))
    .map((r) => [r.entryId, r]));
  const out = await FileSink.open(root, FILES.records, done);
  const lines = new LineCursor(join(base.dir, FILES.records));
  for (let line = await lines.take(); line !== undefined; line = await lines.take()) {
    if (line === '') continue;
    const entryId = Number(/^\{"entry_id":(\d+)/.exec(line)?.[1]);
    const renewed = withdrawn.get(entryId);
    await out.write(renewed ? lineOf(renewed) : `${line}\n`);
  }
  await writeRecordsAfter(tx, out, after);
  await out.close();
}
