// Checks a downloaded (or online) open dataset with no database: the hash chain of every journal
// entry, the checkpoint's head and totals, each house's counters, and every file's SHA-256.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { effectsOf, type Effects } from '../ledger/effects';
import { canonicalOfRecord, checkRecord, compareWithCheckpoint, linesOfRecord, startChain, type JournalRecord } from './chain';
import { CONTRIBUTION_CSV_HEADER, DATASET_FORMAT, FILES, ledgerPagesIn, NUMBERED_FILES, type Checkpoint, type HouseDetail, type PublicAllocation, type PublicArea, type PublicCampaign, type PublicContribution, type PublicDisbursement, type PublicHouse } from './format';
import { csvRow } from './csv';
import { jsonFileText, sha256Hex } from './files';
import { areaMoneyOf, areaNodesOf, ContributionTally, giving360Text, HOUSE_CSV_HEADER, houseCsvRow, HouseTally, publicAreas, summaryOf } from './derived';
import { headlineFromBalances, paidBySource } from '../ledger/headline';
import { contributionFault, csvRows, funderDifference, houseDifference, houseRecordsOf, lineFromRecord, recordFault, type PublishedRecord } from './records';
import { hashLeaf, sameHash } from './tlog/merkle';
import { extensionFields } from './tlog/note';
import { bundleRecord, concatHashes, entriesPath, TileBuilder, tilePath, TILE_WIDTH } from './tlog/tiles';
import { checkConsistency, openCheckpoint, parseSaved, trustPolicy, verifyHistory, LogFault, type ReadFile } from './tlog/verify-log';
import { LOG_FILES } from './tlog/history';
import { toBase64 } from './tlog/sha256';

export interface VerifyOptions {
  /** The fund's verifier key (from the open-data page or the report); without it, the key the dataset names. */
  key?: string;
  /** Witness verifier keys, and how many of them must have cosigned the latest checkpoint. */
  witnesses?: string[];
  threshold?: number;
  /** A checkpoint the user kept (signed note, `<size> <root>` or a root hash): today's log must extend it. */
  since?: string;
  onProgress?: (entries: number, total: number) => void;
}

export interface DatasetReport {
  ok: boolean;
  entries: number;
  headHash: string;
  checked: string[];
  fault?: { entryId: number | null; file: string; reason: string };
}

const vnd = z.number().int().refine(Number.isSafeInteger, 'not a whole number of đồng');
const id = z.number().int().positive();
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256 hex digest');

const recordSchema = z.object({
  id,
  kind: z.string(),
  occurred_at: z.string(),
  description: z.string(),
  contribution_id: id.nullable(),
  reverses_entry_id: id.nullable(),
  reason: z.string().nullable(),
  commitment: hex64.optional(),
  lines: z.array(z.tuple([z.string(), id.nullable(), id.nullable(), id.nullable(), vnd])),
  prev_hash: hex64,
  hash: hex64,
}).strict().refine((r) => (r.kind === 'record' ? r.lines.length === 0 && r.commitment !== undefined : r.lines.length >= 2),
  'a record entry has no lines and a commitment; any other entry has two lines or more');

const totalsSchema = z.object({
  cash_received_vnd: vnd, card_fees_vnd: vnd, bank_charges_vnd: vnd, state_budget_vnd: vnd, in_kind_vnd: vnd, labour_estimate_vnd: vnd,
  allocated_vnd: vnd, cash_allocated_vnd: vnd, disbursed_vnd: vnd, state_paid_vnd: vnd, in_kind_given_vnd: vnd, paid_total_vnd: vnd,
  general_pool_vnd: vnd, commune_pools_vnd: vnd,
});

const checkpointSchema = z.object({
  format: z.literal(DATASET_FORMAT),
  campaign_code: z.string(),
  generated_at: z.string(),
  entry_count: z.number().int().nonnegative(),
  head_hash: hex64,
  journal_chunks: z.array(z.string().regex(NUMBERED_FILES.journalChunk)),
  account_balances: z.record(vnd),
  totals: totalsSchema,
  log: z.object({ origin: z.string(), verifier_key: z.string(), tree_size: z.number().int().nonnegative(), root_hash: z.string() }),
  files: z.array(z.object({ path: z.string().regex(/^[\w./-]+$/).refine((p) => !p.includes('..')), bytes: z.number().int().nonnegative(), sha256: hex64 })),
});

const isUrl = (source: string) => /^https?:\/\//i.test(source);

// The bytes of one dataset file, streamed from a folder or over HTTP.
async function* bytesOf(source: string, path: string): AsyncGenerator<Uint8Array> {
  if (isUrl(source)) {
    const response = await fetch(new URL(path, source.endsWith('/') ? source : `${source}/`));
    if (!response.ok || !response.body) throw new Error(`${path}: HTTP ${response.status}`);
    yield* response.body as unknown as AsyncIterable<Uint8Array>;
  } else {
    yield* createReadStream(join(source, path)) as AsyncIterable<Uint8Array>;
  }
}

async function readText(source: string, path: string): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of bytesOf(source, path)) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

class Fault extends Error {
  constructor(readonly entryId: number | null, readonly file: string, reason: string) {
    super(reason);
  }
}

// A whole file's bytes (tiles, notes: small).
async function readBytes(source: string, path: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of bytesOf(source, path)) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Reads files of a dataset folder or URL, for the log checks that need only a few of them. */
export const datasetReader = (source: string): ReadFile => (path) => readBytes(source, path);

const publishedRecordSchema = z.object({
  entry_id: id, kind: z.string(), subject_id: id.nullable(), salt: z.string().regex(/^[0-9a-f]{32}$/), record: z.record(z.unknown()).nullable(), withdrawn_by_entry_id: id.nullable(),
}).strict();

const ndjsonLines = (text: string) => text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as unknown);

// Each committed entry's published record against its commitment in the chain, then every published
// allocation and payment against the record its entry committed to (a file rewritten with its hash is still caught).
/** What the journal says of each contribution: the entry that posted it and the reversal that undid it. */
interface GiftEntries {
  posted: Map<number, { id: number; hash: string }>;
  reversedBy: Map<number, number>;
}

// A ledger page's row against the journal: its entry, that entry's hash and its reversal.
function journalDifference(shown: PublicContribution, journal: GiftEntries): string | undefined {
  const posted = journal.posted.get(shown.id);
  const expected = { entry_id: posted?.id ?? null, entry_hash: posted?.hash ?? null, reversed_by_entry_id: posted ? journal.reversedBy.get(posted.id) ?? null : null };
  for (const [field, value] of Object.entries(expected) as [keyof typeof expected, string | number | null][]) {
    if (shown[field] !== value) return `${field} is ${JSON.stringify(shown[field])}, the journal says ${JSON.stringify(value)}`;
  }
  return undefined;
}

async function checkRecords(source: string, checkpoint: Checkpoint, commitments: Map<number, string>, journal: GiftEntries): Promise<{ summary: string; records: Map<number, PublishedRecord>; contributions: ContributionTally }> {
  const records = new Map<number, PublishedRecord>();
  for (const raw of ndjsonLines(await readText(source, FILES.records))) {
    const parsed = publishedRecordSchema.safeParse(raw);
    if (!parsed.success) throw new Fault(null, FILES.records, `not a public record: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const published = parsed.data as PublishedRecord;
    const fault = await recordFault(published, commitments.get(published.entry_id), sha256Hex);
    if (fault) throw new Fault(published.entry_id, FILES.records, fault);
    records.set(published.entry_id, published);
  }
  for (const entryId of commitments.keys()) {
    if (!records.has(entryId)) throw new Fault(entryId, FILES.records, 'the entry commits to a public record that is not published');
  }
  for (const [kind, file] of [['allocation', FILES.allocations], ['disbursement', FILES.disbursements]] as const) {
    const seen = new Set<number>();
    for (const line of ndjsonLines(await readText(source, file)) as (PublicAllocation | PublicDisbursement)[]) {
      const published = records.get(line.entry_id);
      if (!published) {
        if (commitments.has(line.entry_id)) throw new Fault(line.entry_id, file, 'no public record for this line');
        continue;
      }
      const difference = lineFromRecord(line, published.record);
      if (difference) throw new Fault(line.entry_id, file, difference);
      seen.add(line.entry_id);
    }
    const missing = [...records.values()].find((r) => r.kind === kind && r.record !== null && !seen.has(r.entry_id));
    if (missing) throw new Fault(missing.entry_id, file, `the committed ${kind} of entry #${missing.entry_id} is not listed`);
  }
  // The latest record of each contribution (records are in entry order) against every ledger page.
  const latest = new Map<number, PublishedRecord>();
  for (const r of records.values()) if (r.kind === 'contribution' && r.subject_id !== null) latest.set(r.subject_id, r);
  const pages = ledgerPagesIn(checkpoint.files.map((f) => f.path));
  // contributions.csv lists the same rows as the ledger pages, in the same order, through the one CSV writer.
  const csv = csvRows(await readText(source, FILES.contributionsCsv));
  if (csv.next().value !== csvRow(CONTRIBUTION_CSV_HEADER)) throw new Fault(null, FILES.contributionsCsv, 'the header row is not the dataset\'s');
  let shownCount = 0;
  // The ledger's figures, from the rows just checked, for summary.json and areas.json.
  const contributions = new ContributionTally();
  for (const page of pages) {
    for (const shown of JSON.parse(await readText(source, page)) as PublicContribution[]) {
      const fault = contributionFault(shown, latest.get(shown.id)) ?? journalDifference(shown, journal);
      const entryId = latest.get(shown.id)?.entry_id ?? journal.posted.get(shown.id)?.id ?? null;
      if (fault) throw new Fault(entryId, page, `contribution ${shown.receipt_code} ${fault}`);
      const row = csv.next().value;
      if (row !== csvRow(CONTRIBUTION_CSV_HEADER.map((key) => shown[key]))) {
        throw new Fault(entryId, FILES.contributionsCsv, `the row of contribution ${shown.receipt_code} differs from its committed record and the journal (found ${JSON.stringify(row ?? null)})`);
      }
      if (latest.delete(shown.id)) shownCount++;
      contributions.add(shown);
    }
  }
  const extra = csv.next().value;
  if (extra !== undefined) throw new Fault(null, FILES.contributionsCsv, `a row no ledger page lists: ${JSON.stringify(extra)}`);
  const unlisted = latest.values().next().value;
  if (unlisted) throw new Fault(unlisted.entry_id, FILES.records, `the committed contribution #${unlisted.subject_id} is on no ledger page`);
  const withdrawn = [...records.values()].filter((r) => r.record === null).length;
  return {
    summary: `${records.size.toLocaleString('en')} public records against their commitments (${withdrawn} withdrawn), and the allocations, payments and ${shownCount.toLocaleString('en')} contributions they show (ledger pages and contributions.csv)`,
    records,
    contributions,
  };
}

// Each house in houses.json against its committed registration, head, stages and photos, and its own
// file's gifts, allocations and payments against their records; every registered house must be listed.
async function checkHouses(source: string, houses: PublicHouse[], records: Map<number, PublishedRecord>): Promise<string> {
  const byHouse = houseRecordsOf(records.values());
  const latestGift = new Map<number, PublishedRecord>();
  for (const r of records.values()) if (r.kind === 'contribution' && r.subject_id !== null) latestGift.set(r.subject_id, r);
  // Houses registered before records existed carry none: checked only when the dataset commits houses.
  const committed = byHouse.house.size > 0;
  for (const house of houses) {
    if (committed) {
      const difference = houseDifference(house, byHouse);
      if (difference) throw new Fault(difference.entryId, FILES.houses, difference.reason);
      byHouse.house.delete(house.id);
    }
    const file = FILES.house(house.code);
    const detail = JSON.parse(await readText(source, file)) as HouseDetail;
    if (detail.code !== house.code) throw new Fault(null, file, `the file is about house ${detail.code}, not ${house.code}`);
    for (const line of [...detail.allocations, ...detail.disbursements]) {
      const difference = records.has(line.entry_id) ? lineFromRecord(line, records.get(line.entry_id)!.record) : undefined;
      if (difference) throw new Fault(line.entry_id, file, difference);
    }
    for (const funder of detail.funders) {
      const difference = funderDifference(funder, latestGift.get(funder.contribution_id));
      if (difference) throw new Fault(latestGift.get(funder.contribution_id)!.entry_id, file, `gift ${funder.receipt_code}: ${difference}`);
    }
  }
  const unlisted = byHouse.house.values().next().value;
  if (unlisted) throw new Fault(unlisted.entry_id, FILES.houses, `the registered house ${String(unlisted.record?.code ?? `#${unlisted.subject_id}`)} is not listed`);
  return `${houses.length.toLocaleString('en')} houses and their files against their committed records`;
}

// Where two JSON values first differ, as a path and both values (undefined when they are equal).
function jsonDifference(expected: unknown, found: unknown, path: string): string | undefined {
  if (typeof expected === 'object' && expected !== null && typeof found === 'object' && found !== null && Array.isArray(expected) === Array.isArray(found)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(found)])];
    for (const key of keys) {
      const difference = jsonDifference((expected as Record<string, unknown>)[key], (found as Record<string, unknown>)[key], Array.isArray(expected) ? `${path}[${key}]` : `${path}.${key}`);
      if (difference) return difference;
    }
    return undefined;
  }
  return JSON.stringify(expected) === JSON.stringify(found) ? undefined : `${path.replace(/^\./, '') || 'the file'} is ${JSON.stringify(found) ?? 'missing'}, the chain gives ${JSON.stringify(expected) ?? 'nothing'}`;
}

// A published file against the text recomputed from the chain, byte for byte, naming the first difference.
async function expectText(source: string, file: string, expected: string): Promise<void> {
  const found = await readText(source, file);
  if (found === expected) return;
  if (file.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(found);
    } catch {
      throw new Fault(null, file, 'not valid JSON');
    }
    const difference = jsonDifference(JSON.parse(expected), parsed, '');
    throw new Fault(null, file, difference ?? 'the same values, but not the bytes the publisher writes');
  }
  const want = expected.split('\n');
  const got = found.split('\n');
  const line = want.findIndex((text, i) => text !== got[i]);
  const at = line === -1 ? want.length : line;
  throw new Fault(null, file, `line ${at + 1} is ${JSON.stringify(got[at] ?? null)}, the chain gives ${JSON.stringify(want[at] ?? null)}`);
}

// houses.csv, 360giving.json, areas.json and summary.json recomputed from the checked houses, ledger
// pages and journal with the publisher's own functions. Area names and the campaign are taken as published.
async function checkDerived(source: string, checkpoint: Checkpoint, houses: PublicHouse[], contributions: ContributionTally, effects: Effects): Promise<string> {
  const campaign = JSON.parse(await readText(source, FILES.campaign)) as PublicCampaign;
  const areaRows = areaNodesOf(JSON.parse(await readText(source, FILES.areas)) as PublicArea[]);
  const byCode = new Map(areaRows.map((a) => [a.code, a]));
  const communeOf = (house: PublicHouse) => byCode.get(house.area_code);
  const tally = new HouseTally(new Map(areaRows.map((a) => [a.id, a])));
  let csv = csvRow(HOUSE_CSV_HEADER);
  for (const house of houses) {
    csv += houseCsvRow(house, communeOf(house)?.name);
    tally.add(house, communeOf(house));
  }
  await expectText(source, FILES.housesCsv, csv);
  await expectText(source, FILES.giving360, giving360Text(houses, campaign, communeOf));
  const pools = [...effects.pools.values()].flatMap((p): [number, number][] => (p.areaId === null ? [] : [[p.areaId, p.deltaVnd]]));
  await expectText(source, FILES.areas, jsonFileText(publicAreas(areaRows, tally, areaMoneyOf(areaRows, contributions.receivedByArea, pools))));
  await expectText(source, FILES.summary, jsonFileText(summaryOf({
    generatedAt: checkpoint.generated_at, totals: headlineFromBalances(checkpoint.account_balances), contributions, houses: tally, areaRows,
    entryCount: checkpoint.entry_count, headHash: checkpoint.head_hash, campaign,
  })));
  return `${FILES.housesCsv}, ${FILES.giving360}, ${FILES.areas} and ${FILES.summary} recomputed from the journal, the records and the houses`;
}

export async function verifyDataset(source: string, options: VerifyOptions | VerifyOptions['onProgress'] = {}): Promise<DatasetReport> {
  const { onProgress, ...trust } = typeof options === 'function' ? { onProgress: options } : options;
  const checked: string[] = [];
  const state = startChain();
  const read = datasetReader(source);
  try {
    const checkpointText = await readText(source, FILES.checkpoint);
    const parsedCheckpoint = checkpointSchema.safeParse(JSON.parse(checkpointText));
    if (!parsedCheckpoint.success) throw new Fault(null, FILES.checkpoint, `not a valid checkpoint: ${parsedCheckpoint.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const checkpoint = parsedCheckpoint.data as Checkpoint;
    const fileHashes = new Map(checkpoint.files.map((f) => [f.path, f]));
    const effects: Effects = { houses: new Map(), pools: new Map(), lots: new Map() };
    const commitments = new Map<number, string>();
    const journal: GiftEntries = { posted: new Map(), reversedBy: new Map() };

    // The signed checkpoint first: every later check is against what the fund signed.
    const policy = trustPolicy(trust.key ?? checkpoint.log.verifier_key, trust.witnesses ?? [], trust.threshold ?? 0);
    const logFault = (file: string) => (error: unknown) => {
      throw error instanceof LogFault ? new Fault(null, file, error.message) : error;
    };
    const signed = await openCheckpoint(await readText(source, LOG_FILES.checkpoint), policy).catch(logFault(LOG_FILES.checkpoint));
    const fields = extensionFields(signed);
    if (fields.dataset !== sha256Hex(checkpointText)) throw new Fault(null, FILES.checkpoint, 'checkpoint.json is not the one the signed checkpoint names (its SHA-256 differs)');
    if (signed.size !== checkpoint.entry_count || fields.chain !== checkpoint.head_hash) throw new Fault(null, LOG_FILES.checkpoint, 'the signed checkpoint and checkpoint.json disagree on the entry count or head hash');
    checked.push(`signed checkpoint of ${signed.size.toLocaleString('en')} entries by ${policy.logKey.name}${trust.key ? '' : ' (key as named by the dataset itself: pin it with --key)'}${policy.threshold ? ` and ${policy.threshold} witness(es)` : ''}`);

    // The Merkle tree rebuilt from the journal: its tiles and entry bundles must be the published ones.
    const tileChecks: Promise<void>[] = [];
    // A copy made from the file list alone has no tile/ folder: the root is still recomputed from the journal.
    const tilesPresent = isUrl(source) || existsSync(join(source, 'tile'));
    const compareFile = (path: string, bytes: Uint8Array) => {
      if (!tilesPresent) return;
      const check = read(path).then((published) => {
        if (!Buffer.from(bytes).equals(published)) throw new Fault(null, path, 'differs from the tree the journal gives');
      }, () => { throw new Fault(null, path, 'missing from the log'); });
      check.catch(() => {}); // awaited below; this only keeps an early failure from being reported twice
      tileChecks.push(check);
    };
    const tree = new TileBuilder((t) => compareFile(tilePath(t.level, t.index), concatHashes(t.hashes)));
    let bundle: Uint8Array[] = [];
    const encoder = new TextEncoder();

    // The chain, a line at a time: each chunk's bytes are hashed as they stream past.
    for (const path of checkpoint.journal_chunks) {
      const hash = createHash('sha256');
      const decoder = new TextDecoder();
      let pending = '';
      let lineNo = 0;
      const handle = async (line: string) => {
        lineNo++;
        if (!line.trim()) return;
        let record: JournalRecord;
        try {
          const parsed = recordSchema.safeParse(JSON.parse(line));
          if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
          record = parsed.data as JournalRecord;
        } catch (error) {
          throw new Fault(state.count + 1, path, `line ${lineNo} is not a journal record: ${(error as Error).message}`);
        }
        const canonical = canonicalOfRecord(record);
        const fault = await checkRecord(state, record, sha256Hex, canonical);
        if (fault) throw new Fault(fault.entryId, path, fault.reason);
        effectsOf(linesOfRecord(record), effects);
        if (record.commitment) commitments.set(record.id, record.commitment);
        if (record.kind === 'reversal' && record.reverses_entry_id !== null) journal.reversedBy.set(record.reverses_entry_id, record.id);
        else if (record.contribution_id !== null) journal.posted.set(record.contribution_id, { id: record.id, hash: record.hash });
        const leaf = encoder.encode(canonical);
        tree.append(hashLeaf(leaf));
        bundle.push(bundleRecord(leaf));
        if (bundle.length === TILE_WIDTH) {
          compareFile(entriesPath(tree.size / TILE_WIDTH - 1), Buffer.concat(bundle));
          bundle = [];
        }
        if (tileChecks.length > 32) await Promise.all(tileChecks.splice(0));
      };
      for await (const chunk of bytesOf(source, path)) {
        hash.update(chunk);
        pending += decoder.decode(chunk, { stream: true });
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) await handle(line);
      }
      await handle(pending + decoder.decode());
      const expected = fileHashes.get(path);
      if (!expected || expected.sha256 !== hash.digest('hex')) throw new Fault(null, path, 'the file differs from the SHA-256 in the checkpoint');
      onProgress?.(state.count, checkpoint.entry_count);
    }
    checked.push(`hash chain of ${state.count.toLocaleString('en')} entries`);
    for (const t of tree.partials()) compareFile(tilePath(t.level, t.index, t.hashes.length), concatHashes(t.hashes));
    if (bundle.length > 0) compareFile(entriesPath(Math.floor(tree.size / TILE_WIDTH), bundle.length), Buffer.concat(bundle));
    await Promise.all(tileChecks.splice(0));
    if (tree.size !== signed.size || !sameHash(tree.root(), signed.root)) throw new Fault(null, LOG_FILES.checkpoint, `the journal's Merkle root ${toBase64(tree.root())} is not the signed root ${toBase64(signed.root)}`);
    checked.push(tilesPresent ? 'Merkle root, tiles and entry bundles of the transparency log' : 'Merkle root recomputed from the journal (this copy has no tile/ folder)');

    const history = await verifyHistory(read, await readText(source, LOG_FILES.history), signed, { ...policy, threshold: 0 }).catch(logFault(LOG_FILES.history));
    checked.push(`${history.length.toLocaleString('en')} checkpoint(s) in the history, each signed and a prefix of today's log`);
    if (trust.since) {
      const saved = await parseSaved(trust.since, policy, history).catch(logFault('--since'));
      if (!(await checkConsistency(read, saved, signed)).ok) throw new Fault(null, '--since', `your saved checkpoint (${saved.size} entries, root ${toBase64(saved.root)}) is not a prefix of today's log: the journal was rewritten`);
      checked.push(`your saved checkpoint of ${saved.size.toLocaleString('en')} entries is a prefix of today's log`);
    }

    const mismatch = compareWithCheckpoint(state, checkpoint);
    if (mismatch) throw new Fault(mismatch.entryId, FILES.checkpoint, mismatch.reason);
    checked.push('checkpoint head hash, entry count, account balances and totals');

    for (const file of checkpoint.files) {
      if (checkpoint.journal_chunks.includes(file.path)) continue;
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of bytesOf(source, file.path)) {
        hash.update(chunk);
        bytes += chunk.length;
      }
      if (bytes !== file.bytes || hash.digest('hex') !== file.sha256) throw new Fault(null, file.path, 'the file differs from the SHA-256 in the checkpoint');
    }
    checked.push(`SHA-256 of ${checkpoint.files.length.toLocaleString('en')} files`);

    const { summary: recordsChecked, records, contributions } = await checkRecords(source, checkpoint, commitments, journal);
    checked.push(recordsChecked);

    const houses = JSON.parse(await readText(source, FILES.houses)) as PublicHouse[];
    checked.push(await checkHouses(source, houses, records));
    for (const house of houses) {
      const expected = effects.houses.get(house.id) ?? { allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0 };
      if (house.allocated_vnd !== expected.allocatedVnd || house.cash_allocated_vnd !== expected.cashAllocatedVnd || house.disbursed_vnd !== expected.disbursedVnd) {
        throw new Fault(null, FILES.houses, `house ${house.code} shows ${house.allocated_vnd}/${house.cash_allocated_vnd}/${house.disbursed_vnd} allocated/cash/paid, the journal gives ${expected.allocatedVnd}/${expected.cashAllocatedVnd}/${expected.disbursedVnd}`);
      }
      const f = house.funding;
      if (f.state_budget_vnd + f.designated_vnd + f.pooled_vnd + f.in_kind_vnd !== house.allocated_vnd) {
        throw new Fault(null, FILES.houses, `house ${house.code}: its funding by source does not add up to what it was allocated`);
      }
      const paid = paidBySource(expected.disbursedVnd, expected.statePaidVnd, f.in_kind_vnd);
      if (JSON.stringify(house.paid) !== JSON.stringify(paid)) {
        throw new Fault(null, FILES.houses, `house ${house.code} shows ${JSON.stringify(house.paid)} paid by source, the journal gives ${JSON.stringify(paid)}`);
      }
    }
    checked.push(`counters and funding of ${houses.length.toLocaleString('en')} houses`);

    checked.push(await checkDerived(source, checkpoint, houses, contributions, effects));
    return { ok: true, entries: state.count, headHash: state.headHash, checked };
  } catch (error) {
    const fault = error instanceof Fault ? { entryId: error.entryId, file: error.file, reason: error.message } : { entryId: null, file: '', reason: String((error as Error)?.message ?? error) };
    return { ok: false, entries: state.count, headHash: state.headHash, checked, fault };
  }
}
