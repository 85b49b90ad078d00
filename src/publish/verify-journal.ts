// The dataset verifier's pass over the journal: each line parsed once and checked with plain functions
// (a schema library costs seconds over a million lines), then folded into the chain, the balances, the
// house counters and the Merkle tree, keeping per entry only what later checks need, in compact form.
import { effectsOf, type Counters } from '../ledger/effects';
import { canonicalOfRecord, checkRecord, linesOfRecord, type ChainState, type JournalRecord } from './chain';
import { sha256Hex } from './files';
import type { PublicContribution } from './format';
import { hashLeaf } from './tlog/merkle';
import { bundleRecord, concatHashes, entriesPath, TileBuilder, tilePath, TILE_WIDTH } from './tlog/tiles';
import { Fault, type DatasetFiles } from './verify-files';
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

/**
 * What the journal says of each contribution (the entry that posted it, that entry's hash, the reversal
 * that undid it), for checking the ledger pages: numbers in maps and hashes as bytes, not a million objects.
 */
export class GiftEntries {
  private readonly postedBy = new Map<number, number>();
  private readonly reversedBy = new Map<number, number>();
  private hashes = Buffer.alloc(32 * 4096);

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

  // A ledger page's row against the journal: its entry, that entry's hash and its reversal.
  difference(shown: PublicContribution): string | undefined {
    const entry = this.postedBy.get(shown.id);
    const expected: [keyof PublicContribution, string | number | null][] = [
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

/** What the journal pass leaves for the later checks. */
export interface JournalPass {
  counters: Counters;
  commitments: Map<number, string>;
  gifts: GiftEntries;
  tree: TileBuilder;
}

/** Compares a tile or entry bundle the journal gives with the published one (a no-op for a copy without tile/). */
export type CompareFile = (path: string, bytes: Uint8Array) => Promise<void> | undefined;

// Pending tile comparisons are awaited between pieces of a chunk, so reading them overlaps the journal
// without piling up.
const TILE_CHECKS_IN_FLIGHT = 32;

/** Streams every journal chunk once: lines checked in order, each chunk's bytes against its listed SHA-256. */
export async function checkJournal(files: DatasetFiles, chunks: readonly string[], state: ChainState, compareFile: CompareFile, onProgress: (entries: number) => void): Promise<JournalPass> {
  const tileChecks: Promise<void>[] = [];
  const compare = (path: string, bytes: Uint8Array) => {
    const check = compareFile(path, bytes);
    if (check) tileChecks.push(check);
  };
  const tree = new TileBuilder((t) => compare(tilePath(t.level, t.index), concatHashes(t.hashes)));
  const pass: JournalPass = { counters: { houses: new Map(), pools: new Map() }, commitments: new Map(), gifts: new GiftEntries(), tree };
  let bundle: Uint8Array[] = [];
  for (const path of chunks) {
    // A chunk the file list leaves out has no listed SHA-256 to hold it to.
    if (!files.lists(path)) throw new Fault(null, path, 'the file differs from the SHA-256 in the checkpoint');
    let lineNo = 0;
    const handle = (line: string) => {
      lineNo++;
      if (!line.trim()) return;
      let parsed: JournalRecord | string;
      try {
        parsed = journalRecordOf(JSON.parse(line));
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
      const leaf = Buffer.from(canonical, 'utf8');
      tree.append(hashLeaf(leaf));
      bundle.push(bundleRecord(leaf));
      if (bundle.length === TILE_WIDTH) {
        compare(entriesPath(tree.size / TILE_WIDTH - 1), Buffer.concat(bundle));
        bundle = [];
      }
    };
    let pending = '';
    for await (const text of files.textStream(path)) {
      pending += text;
      let start = 0;
      for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
        handle(pending.slice(start, end));
        start = end + 1;
      }
      pending = pending.slice(start);
      if (tileChecks.length > TILE_CHECKS_IN_FLIGHT) await Promise.all(tileChecks.splice(0));
    }
    handle(pending);
    onProgress(state.count);
  }
  for (const t of tree.partials()) compare(tilePath(t.level, t.index, t.hashes.length), concatHashes(t.hashes));
  if (bundle.length > 0) compare(entriesPath(Math.floor(tree.size / TILE_WIDTH), bundle.length), Buffer.concat(bundle));
  await Promise.all(tileChecks);
  return pass;
}
