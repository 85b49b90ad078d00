// An incremental publish: the last publish's files and figures stand for everything up to its entry
// count, so only the journal entries after it are read, and only the houses they (or the public records
// they commit: stages, photos, consent, house details) touch are derived again. Every other house's
// lines are copied from the last publish's files, and the area and home figures are the last ones with
// the touched houses taken out and put back in. The result is byte for byte what a full publish writes.
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { inArray, sql } from 'drizzle-orm';
import { queryRows, schema, type Tx } from '../../db/client';
import type { ChainState } from './chain';
import { FileSink } from './files';
import {
  FILES, JOURNAL_CHUNK_ENTRIES, type Checkpoint, type DatasetFile, type PublicArea, type PublicHouse, type Summary,
} from './format';
import {
  deriveHouses, emptyCounts, foldHouse, HouseListSinks, houseRows, writeHouseFile,
  type AreaHouses, type DerivedHouse, type HouseContext, type HouseTotals,
} from './house-export';
import { earlierDay, houseCountsMovedFrom } from './report-export';

const HOUSE_BATCH = 200;

/** Beside the dataset, for the next publish only (not part of the checkpoint): what no published file says compactly. */
export const PUBLISH_STATE = '.publish-state.json';
export interface PublishState {
  entry_count: number;
  /** The first contribution id of each ledger page, so a contribution's page is found without reading the pages. */
  ledger_page_first_ids: number[];
  /** Which donor records counted under which (a digest): a merge moves the reports' contributors without a journal entry. */
  donor_merges: string;
}

export async function writePublishState(root: string, state: PublishState): Promise<void> {
  await writeFile(join(root, PUBLISH_STATE), `${JSON.stringify(state)}\n`);
}

/** The last publish as an incremental one starts from. */
export interface IncrementalBase {
  dir: string;
  state: PublishState;
  checkpoint: Checkpoint;
  files: Map<string, DatasetFile>;
  summary: Summary;
  areas: PublicArea[];
  chain: ChainState;
}

const readJson = async <T>(path: string): Promise<T | undefined> => readFile(path, 'utf8').then((text) => JSON.parse(text) as T, () => undefined);

// The last publish, if this one can continue from it: same campaign, and the database's journal still
// has the last published head at the last published count (the log's signed `chain` line says the same).
export async function incrementalBase(tx: Tx, dir: string, signedHead: string, campaignCode: string): Promise<IncrementalBase | undefined> {
  const checkpoint = await readJson<Checkpoint>(join(dir, FILES.checkpoint));
  const summary = await readJson<Summary>(join(dir, FILES.summary));
  const areas = await readJson<PublicArea[]>(join(dir, FILES.areas));
  const state = await readJson<PublishState>(join(dir, PUBLISH_STATE));
  if (!checkpoint || !summary || !areas || state?.entry_count !== checkpoint?.entry_count || checkpoint.campaign_code !== campaignCode || checkpoint.head_hash !== signedHead || checkpoint.entry_count === 0) return undefined;
  const [row] = await queryRows<{ hash: string }>(tx, sql`SELECT hash FROM journal_entries WHERE id = ${checkpoint.entry_count}`);
  if (row?.hash !== checkpoint.head_hash) return undefined;
  const balances = new Map(Object.entries(checkpoint.account_balances).map(([account, sum]) => [account, BigInt(sum)]));
  return {
    dir, checkpoint, summary, areas, state: state!,
    files: new Map(checkpoint.files.map((f) => [f.path, f])),
    chain: { count: checkpoint.entry_count, headHash: checkpoint.head_hash, balances },
  };
}

// A file of the last publish taken over unchanged: linked (same inode) and listed with its known hash.
export async function keep(base: IncrementalBase, root: string, path: string, done: (file: DatasetFile) => void): Promise<void> {
  const file = base.files.get(path);
  if (!file) throw new Error(`The last publish does not list ${path}.`);
  const target = join(root, path);
  await mkdir(dirname(target), { recursive: true });
  await link(join(base.dir, path), target).catch(() => copyFile(join(base.dir, path), target));
  done(file);
}

// The journal chunks the last publish filled are kept; its unfinished last chunk is reopened by reopenLastChunk.
export async function keepJournalChunks(base: IncrementalBase, root: string, done: (file: DatasetFile) => void): Promise<string[]> {
  const chunks = base.checkpoint.journal_chunks;
  for (let i = 0; i < chunks.length; i++) {
    if ((i + 1) * JOURNAL_CHUNK_ENTRIES <= base.checkpoint.entry_count) await keep(base, root, chunks[i]!, done);
  }
  return chunks.slice();
}

// The last publish's unfinished chunk, copied into a new file the new entries are appended to.
export async function reopenLastChunk(base: IncrementalBase, root: string, done: (file: DatasetFile) => void): Promise<FileSink | undefined> {
  if (base.checkpoint.entry_count % JOURNAL_CHUNK_ENTRIES === 0) return undefined;
  const path = base.checkpoint.journal_chunks.at(-1)!;
  const sink = await FileSink.open(root, path, done);
  await sink.write(await readFile(join(base.dir, path), 'utf8'));
  return sink;
}

// The houses a change since the last publish touches: those its journal lines name, those its public
// records name (house details, consent, stage, photo), and those funded by a contribution re-recorded.
async function touchedHouses(tx: Tx, after: number): Promise<number[]> {
  const rows = await queryRows<{ id: number | string }>(tx, sql`
    SELECT house_id AS id FROM journal_lines WHERE entry_id > ${after} AND house_id IS NOT NULL
    UNION SELECT h.id FROM public_records r JOIN houses h ON h.public_code = coalesce(r.body::jsonb->>'house_code', r.body::jsonb->>'code')
      WHERE r.entry_id > ${after} AND r.kind <> 'contribution' AND r.body IS NOT NULL
    UNION SELECT l.house_id FROM public_records r JOIN journal_lines l ON l.contribution_id = r.subject_id
      WHERE r.entry_id > ${after} AND r.kind = 'contribution' AND l.house_id IS NOT NULL
    ORDER BY 1`);
  return rows.map((r) => Number(r.id));
}

// A file's lines as written (split on \n only, so a CSV line keeps its \r), a chunk at a time.
async function* linesOf(path: string): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest !== '') yield rest;
}

// A CSV file's records as written, each with its line end: a quoted field may hold a line break.
async function* csvRecordsOf(path: string): AsyncGenerator<string> {
  let record = '';
  for await (const line of linesOf(path)) {
    record += `${line}\n`;
    if ((record.match(/"/g)?.length ?? 0) % 2 === 0) {
      yield record;
      record = '';
    }
  }
}

/** A pull reader over a file's lines (or a CSV file's records), for walking several of the last publish's files in step. */
export class LineCursor {
  private readonly lines: AsyncGenerator<string>;
  private peeked: string | undefined;
  private done = false;
  constructor(path: string, csvRecords = false) {
    this.lines = csvRecords ? csvRecordsOf(path) : linesOf(path);
  }

  async peek(): Promise<string | undefined> {
    if (this.peeked === undefined && !this.done) {
      const next = await this.lines.next();
      if (next.done) this.done = true;
      else this.peeked = next.value;
    }
    return this.peeked;
  }

  async take(): Promise<string | undefined> {
    const line = await this.peek();
    this.peeked = undefined;
    return line;
  }
}

// An element line of a JSON array written by JsonArraySink, without its separating comma.
const element = (line: string) => (line.endsWith(',') ? line.slice(0, -1) : line);
const houseCodeOf = (json: string) => (JSON.parse(json) as { house_code: string }).house_code;
const areaHousesOf = (a: PublicArea): AreaHouses => ({
  houses: a.houses, budget_vnd: a.budget_vnd, allocated_vnd: a.allocated_vnd, remaining_vnd: a.remaining_vnd, disbursed_vnd: a.disbursed_vnd, paid: a.paid, funding: a.funding,
});

// The touched houses derived again and merged, in id order, into the last publish's house lists;
// every other house's file is the last one's. The totals are the last ones adjusted by the difference;
// `housesFrom` is the first day the six-monthly reports' house counts moved on (null when they did not).
export async function exportTouchedHouses(tx: Tx, context: HouseContext, base: IncrementalBase, root: string, done: (file: DatasetFile) => void) {
  const ids = await touchedHouses(tx, base.checkpoint.entry_count);
  const fresh = new Map<number, DerivedHouse>();
  for (let i = 0; i < ids.length; i += HOUSE_BATCH) {
    const batchIds = ids.slice(i, i + HOUSE_BATCH);
    const batch = await houseRows(tx, inArray(schema.houses.id, batchIds));
    for (const derived of await deriveHouses(tx, context, batch, { ids: batchIds })) fresh.set(derived.house.id, derived);
  }
  const totals: HouseTotals = {
    byArea: new Map(base.areas.map((a) => [a.id, structuredClone(areaHousesOf(a))])),
    all: { ...emptyCounts(), ...base.summary.houses_by_stage },
    short: { ...base.summary.short_of_money },
  };
  const sinks = await HouseListSinks.open(root, done);
  const list = new LineCursor(join(base.dir, FILES.houses));
  const csv = new LineCursor(join(base.dir, FILES.housesCsv), true);
  const grants = new LineCursor(join(base.dir, FILES.giving360));
  const allocationLines = new LineCursor(join(base.dir, FILES.allocations));
  const disbursementLines = new LineCursor(join(base.dir, FILES.disbursements));
  await list.take();
  await csv.take();
  await grants.take();
  const pending = [...fresh.values()].sort((a, b) => a.house.id - b.house.id);
  let housesFrom = null as string | null;
  const emit = async (derived: DerivedHouse, old?: PublicHouse) => {
    housesFrom = earlierDay(housesFrom, houseCountsMovedFrom(old, derived.house));
    await writeHouseFile(root, derived, done);
    await sinks.push(derived);
    foldHouse(totals, context, context.areaIdByCode.get(derived.house.area_code)!, derived.house, 1);
  };
  let count = 0;
  for (;;) {
    const line = await list.peek();
    if (line === undefined || line === ']') break;
    const old = JSON.parse(element(line)) as PublicHouse;
    while (pending.length > 0 && pending[0]!.house.id < old.id) {
      await emit(pending.shift()!);
      count++;
    }
    await list.take();
    const csvLine = (await csv.take())!;
    const grantId = `360G-ancu-${old.code}`;
    const grantLine = await grants.peek();
    const grant = grantLine !== undefined && grantLine.startsWith(`{"id":${JSON.stringify(grantId)}`) ? element((await grants.take())!) : undefined;
    const oldAllocations: string[] = [];
    while ((await allocationLines.peek()) !== undefined && (await allocationLines.peek()) !== '' && houseCodeOf((await allocationLines.peek())!) === old.code) oldAllocations.push((await allocationLines.take())!);
    const oldDisbursements: string[] = [];
    while ((await disbursementLines.peek()) !== undefined && (await disbursementLines.peek()) !== '' && houseCodeOf((await disbursementLines.peek())!) === old.code) oldDisbursements.push((await disbursementLines.take())!);
    count++;
    if (pending[0]?.house.id === old.id) {
      foldHouse(totals, context, context.areaIdByCode.get(old.area_code)!, old, -1);
      await emit(pending.shift()!, old);
      continue;
    }
    await keep(base, root, FILES.house(old.code), done);
    for (const a of oldAllocations) await sinks.allocations.write(`${a}\n`);
    for (const d of oldDisbursements) await sinks.disbursements.write(`${d}\n`);
    await sinks.list.pushRaw(element(line));
    await sinks.csv.write(csvLine);
    if (grant !== undefined) await sinks.grants.pushRaw(grant);
  }
  for (const derived of pending) {
    await emit(derived);
    count++;
  }
  await sinks.close();
  return { count, read: ids.length, housesFrom, ...totals };
}
