// The dataset verifier's pass over the journal: each line parsed once and checked with plain functions
// (a schema library costs seconds over a million lines), then folded into the chain, the balances, the
// house counters and the Merkle tree, keeping per entry only what later checks need, in compact form.
import { effectsOf, type Counters } from '../ledger/effects';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { canonicalOfRecord, checkRecord, linesOfRecord, startChain, type ChainState, type JournalRecord } from './chain';
import { sha256Hex } from './files';
import type { DatasetFile, PublicContribution } from './format';
import { LEAF_PREFIX, type Hash } from './tlog/merkle';
import { sha256 } from './tlog/sha256';
import { concatHashes, entriesPath, MAX_ENTRY_BYTES, TileBuilder, tilePath, tooLong, TILE_WIDTH } from './tlog/tiles';
import { CashLines, type CashLineData } from './verify-cash-book';
import { DatasetFiles, Fault, hashFault } from './verify-files';
import { parseUtf8Json } from './utf8-json';
import { isHex64, isId, isIdOrNull, isText, isTextOrNull, shapeOf, type FieldRule } from './shape';

// One `[account, house_id, area_id, contribution_id, amount_vnd]` line, amounts whole đồng.
const isLine = (line: unknown) => Array.isArray(line) && line.length === 5 && typeof line[0] === 'string'
  && isIdOrNull(line[1]) && isIdOrNull(line[2]) && isIdOrNull(line[3]) && Number.isSafeInteger(line[4]);

const RECORD_RULES: FieldRule<JournalRecord>[] = [
  ['id', isId, 'not a positive whole number'],
  ['kind', isText, 'not text'],
  ['occurred_at', isText, 'not text'],
  ['description', isText, 'not text'],
  ['contribution_id', isIdOrNull, 'not a positive whole number or null'],
  ['reverses_entry_id', isIdOrNull, 'not a positive whole number or null'],
  ['reason', isTextOrNull, 'not text or null'],
  ['commitment', (v) => v === undefined || isHex64(v), 'not a SHA-256 hex digest'],
  ['lines', (v) => Array.isArray(v) && v.every(isLine), 'not a list of [account, house, area, contribution, whole đồng] lines'],
  ['prev_hash', isHex64, 'not a SHA-256 hex digest'],
  ['hash', isHex64, 'not a SHA-256 hex digest'],
];

/** A parsed journal line as a record, or why it is not one (the same rules the dataset format states). */
export function journalRecordOf(value: unknown): JournalRecord | string {
  const record = shapeOf(value, RECORD_RULES);
  if (typeof record === 'string') return record;
  if (record.kind === 'record' ? record.lines.length !== 0 || record.commitment === undefined : record.lines.length < 2) {
    return 'a record entry has no lines and a commitment; any other entry has two lines or more';
  }
  return record;
}

/** What a ledger page's row says of the journal. */
export type JournalFields = Pick<PublicContribution, 'id' | 'entry_id' | 'entry_hash' | 'reversed_by_entry_id'>;

/** GiftEntries as plain data. */
export interface GiftData {
  postedBy: Map<number, number>;
  reversedBy: Map<number, number>;
  hashes: Uint8Array;
}

/**
 * What the journal says of each contribution (the entry that posted it, that entry's hash, the reversal
 * that undid it), for checking the ledger pages: numbers in maps and hashes as bytes, not a million objects.
 */
export class GiftEntries {
  private readonly postedBy: Map<number, number>;
  private readonly reversedBy: Map<number, number>;
  private hashes: Buffer;

  /** Empty, or rebuilt from `data()` of one made in another thread. */
  constructor(data?: GiftData) {
    this.postedBy = data?.postedBy ?? new Map();
    this.reversedBy = data?.reversedBy ?? new Map();
    this.hashes = data ? Buffer.from(data.hashes.buffer, data.hashes.byteOffset, data.hashes.length) : Buffer.alloc(32 * 4096);
  }

  /** What a worker thread sends back (maps and bytes copy across threads; a class does not). */
  data(): GiftData {
    return { postedBy: this.postedBy, reversedBy: this.reversedBy, hashes: this.hashes };
  }

  // Folds in one checked record (entry ids run 1, 2, 3 ... so the hash of entry n sits at (n - 1) * 32).
  add(record: JournalRecord): void {
    if (this.hashes.length < record.id * 32) this.hashes = Buffer.concat([this.hashes, Buffer.alloc(this.hashes.length)]);
    this.hashes.write(record.hash, (record.id - 1) * 32, 'hex');
    if (record.kind === 'reversal' && record.reverses_entry_id !== null) this.reversedBy.set(record.reverses_entry_id, record.id);
    else if (record.contribution_id !== null) this.postedBy.set(record.contribution_id, record.id);
  }

  /** The entry that posted a contribution, if the journal has one. */
  entryOf(contributionId: number): number | undefined {
    return this.postedBy.get(contributionId);
  }

  /** Whether a row's compact journal fields (NaN for null) are what the journal says; `difference` words it. */
  shows(contributionId: number, entryId: number, hash: Uint8Array | null, reversedBy: number): boolean {
    const entry = this.postedBy.get(contributionId);
    if (entry === undefined) return Number.isNaN(entryId) && hash === null && Number.isNaN(reversedBy);
    const reversal = this.reversedBy.get(entry);
    return entryId === entry && hash !== null && this.hashes.subarray((entry - 1) * 32, entry * 32).equals(hash)
      && (reversal === undefined ? Number.isNaN(reversedBy) : reversedBy === reversal);
  }

  // A ledger page's row against the journal: its entry, that entry's hash and its reversal.
  difference(shown: JournalFields): string | undefined {
    const entry = this.postedBy.get(shown.id);
    const expected: [keyof JournalFields, string | number | null][] = [
      ['entry_id', entry ?? null],
      ['entry_hash', entry === undefined ? null : this.hashes.toString('hex', (entry - 1) * 32, entry * 32)],
      ['reversed_by_entry_id', entry === undefined ? null : this.reversedBy.get(entry) ?? null],
    ];
    for (const [field, value] of expected) {
      if (shown[field] !== value) return `${field} is ${JSON.stringify(shown[field])}, the journal says ${JSON.stringify(value)}`;
    }
    return undefined;
  }
}

/**
 * An entry bundle filled in place, for a million entries without a million small buffers: each entry's
 * text is written once as UTF-8 behind its length, and its leaf hash is taken from those same bytes with the
 * byte before them briefly set to the leaf prefix (the same input hashLeaf hashes).
 */
class BundleWriter {
  private bytes = Buffer.allocUnsafe(1 << 17);
  private at = 0;
  count = 0;

  /** Appends an entry; returns its Merkle leaf hash. */
  add(entry: string): Hash {
    const most = 2 + entry.length * 3;
    if (this.at + most > this.bytes.length) this.bytes = Buffer.concat([this.bytes.subarray(0, this.at), Buffer.allocUnsafe(Math.max(this.bytes.length, most))]);
    const length = this.bytes.write(entry, this.at + 2, 'utf8');
    if (length > MAX_ENTRY_BYTES) throw tooLong(length);
    this.bytes[this.at + 1] = LEAF_PREFIX;
    const leaf = sha256(this.bytes.subarray(this.at + 1, this.at + 2 + length));
    this.bytes[this.at] = length >> 8;
    this.bytes[this.at + 1] = length & 255;
    this.at += 2 + length;
    this.count++;
    return leaf;
  }

  /** The bundle so far, copied out, and an empty one to go on with. */
  take(): Uint8Array {
    const bundle = Buffer.from(this.bytes.subarray(0, this.at));
    this.at = 0;
    this.count = 0;
    return bundle;
  }
}

/** What the journal pass leaves for the later checks. */
export interface JournalPass {
  counters: Counters;
  commitments: Map<number, string>;
  gifts: GiftEntries;
  /** Every line on a cash account, for the cash book's check. */
  cash: CashLines;
  /** The Merkle tree the journal gives: its size and root. */
  tree: { size: number; root: Hash };
}

/** Compares a tile or entry bundle the journal gives with the published one (a no-op for a copy without tile/). */
type CompareFile = (path: string, bytes: Uint8Array) => Promise<void> | undefined;

// Tiles and entry bundles against the published ones, read as the journal reaches them (none in a copy without tile/).
function tileComparer(files: DatasetFiles, tilesPresent: boolean): CompareFile {
  return (path, bytes) => {
    if (!tilesPresent) return undefined;
    const check = files.bytes(path).then((published) => {
      if (!Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).equals(published)) throw new Fault(null, path, 'differs from the tree the journal gives');
    }, (error: unknown) => { throw error instanceof Fault ? error : new Fault(null, path, 'missing from the log'); });
    check.catch(() => {}); // awaited by the journal pass; this only keeps an early failure from being reported twice
    return check;
  };
}

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;

// Pending tile comparisons are awaited between pieces of a chunk, so reading them overlaps the journal
// without piling up.
const TILE_CHECKS_IN_FLIGHT = 32;

/** Streams every journal chunk once: lines checked in order, each chunk's bytes against its listed SHA-256. */
async function checkJournal(files: DatasetFiles, chunks: readonly string[], state: ChainState, compareFile: CompareFile, onProgress: (entries: number) => void): Promise<JournalPass> {
  const tileChecks: Promise<void>[] = [];
  const compare = (path: string, bytes: Uint8Array) => {
    const check = compareFile(path, bytes);
    if (check) tileChecks.push(check);
  };
  const tree = new TileBuilder((t) => compare(tilePath(t.level, t.index), concatHashes(t.hashes)));
  const pass = { counters: { houses: new Map(), pools: new Map() }, commitments: new Map<number, string>(), gifts: new GiftEntries(), cash: new CashLines() };
  const bundle = new BundleWriter();
  for (const path of chunks) {
    // A chunk the file list leaves out has no listed SHA-256 to hold it to.
    if (!files.lists(path)) throw hashFault(path);
    let lineNo = 0;
    const handle = (line: Buffer) => {
      lineNo++;
      if (line[0] !== OPEN_BRACE && !line.toString('utf8').trim()) return;
      let parsed: JournalRecord | string;
      try {
        parsed = journalRecordOf(parseUtf8Json(line));
      } catch (error) {
        parsed = (error as Error).message;
      }
      if (typeof parsed === 'string') throw new Fault(state.count + 1, path, `line ${lineNo} is not a journal record: ${parsed}`);
      const record = parsed;
      const canonical = canonicalOfRecord(record);
      const fault = checkRecord(state, record, sha256Hex, canonical);
      if (fault) throw new Fault(fault.entryId, path, fault.reason);
      effectsOf(linesOfRecord(record), pass.counters);
      if (record.commitment) pass.commitments.set(record.id, record.commitment);
      pass.gifts.add(record);
      pass.cash.add(record);
      tree.append(bundle.add(canonical));
      if (bundle.count === TILE_WIDTH) compare(entriesPath(tree.size / TILE_WIDTH - 1), bundle.take());
    };
    // Lines split on the bytes and each parsed from its own bytes (see utf8-json.ts), not sliced from a
    // decoded megabyte of text, which JSON.parse reads several times slower.
    // Only the line that spans two pieces is copied, with the end of the one before.
    let rest = Buffer.alloc(0);
    for await (const piece of files.stream(path)) {
      const bytes = Buffer.from(piece.buffer, piece.byteOffset, piece.length);
      let start = 0;
      for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
        handle(start === 0 ? Buffer.concat([rest, bytes.subarray(0, end)]) : bytes.subarray(start, end));
        start = end + 1;
      }
      rest = start === 0 ? Buffer.concat([rest, bytes]) : Buffer.from(bytes.subarray(start));
      if (tileChecks.length > TILE_CHECKS_IN_FLIGHT) await Promise.all(tileChecks.splice(0));
    }
    handle(rest);
    onProgress(state.count);
  }
  for (const t of tree.partials()) compare(tilePath(t.level, t.index, t.hashes.length), concatHashes(t.hashes));
  if (bundle.count > 0) compare(entriesPath(Math.floor(tree.size / TILE_WIDTH), bundle.count), bundle.take());
  await Promise.all(tileChecks);
  return { ...pass, tree: { size: tree.size, root: tree.root() } };
}

/** What the journal pass needs: where the dataset is, its file list, the chunks in order, whether tiles are published. */
export interface JournalJob {
  source: string;
  files: DatasetFile[];
  chunks: string[];
  tilesPresent: boolean;
}

/** The journal pass's answer as plain data (it crosses threads): the chain so far, and the pass or its fault. */
export interface JournalOutcome {
  state: ChainState;
  pass?: Omit<JournalPass, 'gifts' | 'cash'> & { gifts: GiftData; cash: CashLineData };
  fault?: { entryId: number | null; file: string; reason: string };
}

// Runs the journal pass and words its outcome as data, with the buffers a thread can hand over instead of copying.
async function journalOutcome(job: JournalJob, onProgress: (entries: number) => void): Promise<{ done: JournalOutcome; transfer: ArrayBuffer[] }> {
  const state = startChain();
  const files = new DatasetFiles(job.source, job.files);
  try {
    const pass = await checkJournal(files, job.chunks, state, tileComparer(files, job.tilesPresent), onProgress);
    const cash = pass.cash.plain();
    return { done: { state, pass: { ...pass, gifts: pass.gifts.data(), cash: cash.data } }, transfer: cash.transfer };
  } catch (error) {
    if (error instanceof Fault) return { done: { state, fault: { entryId: error.entryId, file: error.file, reason: error.message } }, transfer: [] };
    throw error;
  }
}

const JOURNAL_TASK = 'an-cu:journal-pass';

// A worker thread can load this module only from a bundle (verify.mjs, the npm script's build); from
// TypeScript sources (tests, tsx) the pass runs in this thread.
const bundled = /\.m?js$/.test(new URL(import.meta.url).pathname);

/**
 * The journal pass on the second core when there is a bundle to start it from, so the ledger pages and
 * the other files are checked meanwhile on this one.
 */
export function journalPass(job: JournalJob, onProgress: (entries: number) => void): Promise<JournalOutcome> {
  if (!bundled) return journalOutcome(job, onProgress).then(({ done }) => done);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { task: JOURNAL_TASK, job } });
    worker.on('message', (message: { progress: number } | { done: JournalOutcome }) => ('done' in message ? resolve(message.done) : onProgress(message.progress)));
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the journal check stopped before its answer (exit code ${code})`)));
  });
}

// In the worker thread started above: the pass, its progress and its outcome posted back.
if (!isMainThread && (workerData as { task?: string } | null)?.task === JOURNAL_TASK) {
  const port = parentPort!;
  const { job } = workerData as { job: JournalJob };
  await journalOutcome(job, (entries) => port.postMessage({ progress: entries })).then(({ done, transfer }) => port.postMessage({ done }, transfer));
}
