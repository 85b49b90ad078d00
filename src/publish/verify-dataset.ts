// Checks a downloaded (or online) open dataset with no database: the hash chain of every journal
// entry, the checkpoint's head and totals, each house's counters, and every file's SHA-256.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { compareWithCheckpoint, startChain } from './chain';
import { DATASET_FORMAT, FILES, ledgerPagesIn, NUMBERED_FILES, type Checkpoint, type HouseDetail, type PublicAllocation, type PublicArea, type PublicCampaign, type PublicDisbursement, type PublicHouse } from './format';
import { csvRow } from './csv';
import { jsonFileText, sha256Hex } from './files';
import { areaMoneyOf, areaNodesOf, ContributionTally, giving360Text, HOUSE_CSV_HEADER, houseCsvRow, HouseTally, publicAreas, summaryOf } from './derived';
import { headlineFromBalances, paidBySource } from '../ledger/headline';
import type { Counters } from '../ledger/effects';
import { funderDifference, houseDifference, houseRecordsOf, lineFromRecord, recordFault, type PublishedRecord } from './records';
import { sameHash } from './tlog/merkle';
import { extensionFields } from './tlog/note';
import { checkConsistency, openCheckpoint, parseSaved, readText, trustPolicy, verifyHistory, LogFault } from './tlog/verify-log';
import { LOG_FILES } from './tlog/history';
import { toBase64 } from './tlog/sha256';
import { DatasetFiles, datasetReader, Fault, isUrl } from './verify-files';
import { GiftEntries, journalPass } from './verify-journal';
import { CASH_BOOK_PREFIX, CashLines, checkCashBook, readCashBook } from './verify-cash-book';
import { checkLedgerPages, ledgerPagesFault, type LedgerPages } from './verify-ledger-pages';
import { isId, isIdOrNull, isText, shapeOf, type FieldRule } from './shape';

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
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256 hex digest');

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

// records.ndjson holds a line per committed entry (a million for a million gifts): checked with plain functions.
const PUBLISHED_RECORD_RULES: FieldRule<PublishedRecord>[] = [
  ['entry_id', isId, 'not a positive whole number'],
  ['kind', isText, 'not text'],
  ['subject_id', isIdOrNull, 'not a positive whole number or null'],
  ['salt', (v) => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v), 'not a 32-digit hex salt'],
  ['record', (v) => v === null || (typeof v === 'object' && !Array.isArray(v)), 'not a JSON object or null'],
  ['withdrawn_by_entry_id', isIdOrNull, 'not a positive whole number or null'],
];

const ndjsonLines = (text: string) => text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as unknown);

// records.ndjson read and each line's shape checked, in entry order (checked against the commitments once the journal is known).
async function readRecords(files: DatasetFiles): Promise<Map<number, PublishedRecord>> {
  const records = new Map<number, PublishedRecord>();
  for (const raw of ndjsonLines(await files.text(FILES.records))) {
    const published = shapeOf(raw, PUBLISHED_RECORD_RULES);
    if (typeof published === 'string') throw new Fault(null, FILES.records, `not a public record: ${published}`);
    records.set(published.entry_id, published);
  }
  return records;
}

// The latest record of each contribution (records are in entry order), each subject once.
function latestContributions(records: Map<number, PublishedRecord>): Map<number, PublishedRecord> {
  const latest = new Map<number, PublishedRecord>();
  for (const r of records.values()) if (r.kind === 'contribution' && r.subject_id !== null) latest.set(r.subject_id, r);
  return latest;
}

/** What is checked while the journal is: the records read, and the ledger pages and contributions.csv against them. */
interface BeforeJournal {
  records: Map<number, PublishedRecord>;
  /** The latest contribution records no ledger page has shown yet. */
  unshown: Map<number, PublishedRecord>;
  ledger: LedgerPages;
}

async function checkBeforeJournal(files: DatasetFiles, pages: readonly string[]): Promise<BeforeJournal> {
  const records = await readRecords(files);
  const unshown = latestContributions(records);
  return { records, unshown, ledger: await checkLedgerPages(files, pages, unshown) };
}

// Each committed entry's published record against its commitment in the chain, then every published
// allocation and payment against the record its entry committed to (a file rewritten with its hash is still caught),
// then the ledger pages' rows against the journal.
async function checkRecords(files: DatasetFiles, pages: readonly string[], early: BeforeJournal, commitments: Map<number, string>, gifts: GiftEntries): Promise<string> {
  const { records, unshown, ledger } = early;
  for (const published of records.values()) {
    const fault = await recordFault(published, commitments.get(published.entry_id), sha256Hex);
    if (fault) throw new Fault(published.entry_id, FILES.records, fault);
  }
  for (const entryId of commitments.keys()) {
    if (!records.has(entryId)) throw new Fault(entryId, FILES.records, 'the entry commits to a public record that is not published');
  }
  for (const [kind, file] of [['allocation', FILES.allocations], ['disbursement', FILES.disbursements]] as const) {
    const seen = new Set<number>();
    for (const line of ndjsonLines(await files.text(file)) as (PublicAllocation | PublicDisbursement)[]) {
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
  // The entry a contribution's fault names: its latest record's (looked up only for a fault), else the one that posted it.
  const recordEntryOf = (id: number) => [...records.values()].filter((r) => r.kind === 'contribution' && r.subject_id === id).at(-1)?.entry_id;
  const fault = await ledgerPagesFault(files, pages, ledger, gifts, recordEntryOf);
  if (fault) throw fault;
  const unlisted = unshown.values().next().value;
  if (unlisted) throw new Fault(unlisted.entry_id, FILES.records, `the committed contribution #${unlisted.subject_id} is on no ledger page`);
  const withdrawn = [...records.values()].filter((r) => r.record === null).length;
  return `${records.size.toLocaleString('en')} public records against their commitments (${withdrawn} withdrawn), and the allocations, payments and ${ledger.shownCount.toLocaleString('en')} contributions they show (ledger pages and contributions.csv)`;
}

// Each house in houses.json against its committed registration, head, stages and photos, and its own
// file's gifts, allocations and payments against their records; every registered house must be listed.
async function checkHouses(files: DatasetFiles, houses: PublicHouse[], records: Map<number, PublishedRecord>, latestGift: Map<number, PublishedRecord>): Promise<string> {
  const byHouse = houseRecordsOf(records.values());
  // Houses registered before records existed carry none: checked only when the dataset commits houses.
  const committed = byHouse.house.size > 0;
  for (const house of houses) {
    if (committed) {
      const difference = houseDifference(house, byHouse);
      if (difference) throw new Fault(difference.entryId, FILES.houses, difference.reason);
      byHouse.house.delete(house.id);
    }
    const file = FILES.house(house.code);
    const detail = JSON.parse(await files.text(file)) as HouseDetail;
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
async function expectText(files: DatasetFiles, file: string, expected: string): Promise<void> {
  const found = await files.text(file);
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
async function checkDerived(files: DatasetFiles, checkpoint: Checkpoint, houses: PublicHouse[], areas: PublicArea[], contributions: ContributionTally, counters: Counters): Promise<string> {
  const campaign = JSON.parse(await files.text(FILES.campaign)) as PublicCampaign;
  const areaRows = areaNodesOf(areas);
  const byCode = new Map(areaRows.map((a) => [a.code, a]));
  const communeOf = (house: PublicHouse) => byCode.get(house.area_code);
  const tally = new HouseTally(new Map(areaRows.map((a) => [a.id, a])));
  let csv = csvRow(HOUSE_CSV_HEADER);
  for (const house of houses) {
    csv += houseCsvRow(house, communeOf(house)?.name);
    tally.add(house, communeOf(house));
  }
  await expectText(files, FILES.housesCsv, csv);
  await expectText(files, FILES.giving360, giving360Text(houses, campaign, communeOf));
  const pools = [...counters.pools.values()].flatMap((p): [number, number][] => (p.areaId === null ? [] : [[p.areaId, p.deltaVnd]]));
  await expectText(files, FILES.areas, jsonFileText(publicAreas(areaRows, tally, areaMoneyOf(areaRows, contributions.receivedByArea, pools))));
  await expectText(files, FILES.summary, jsonFileText(summaryOf({
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
    const checkpointText = await readText(read, FILES.checkpoint);
    const parsedCheckpoint = checkpointSchema.safeParse(JSON.parse(checkpointText));
    if (!parsedCheckpoint.success) throw new Fault(null, FILES.checkpoint, `not a valid checkpoint: ${parsedCheckpoint.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const checkpoint = parsedCheckpoint.data as Checkpoint;
    const files = new DatasetFiles(source, checkpoint.files);

    // The signed checkpoint first: every later check is against what the fund signed.
    const policy = trustPolicy(trust.key ?? checkpoint.log.verifier_key, trust.witnesses ?? [], trust.threshold ?? 0);
    const logFault = (file: string) => (error: unknown) => {
      throw error instanceof LogFault ? new Fault(null, file, error.message) : error;
    };
    const signed = await openCheckpoint(await readText(read, LOG_FILES.checkpoint), policy).catch(logFault(LOG_FILES.checkpoint));
    const fields = extensionFields(signed);
    if (fields.dataset !== sha256Hex(checkpointText)) throw new Fault(null, FILES.checkpoint, 'checkpoint.json is not the one the signed checkpoint names (its SHA-256 differs)');
    if (signed.size !== checkpoint.entry_count || fields.chain !== checkpoint.head_hash) throw new Fault(null, LOG_FILES.checkpoint, 'the signed checkpoint and checkpoint.json disagree on the entry count or head hash');
    checked.push(`signed checkpoint of ${signed.size.toLocaleString('en')} entries by ${policy.logKey.name}${trust.key ? '' : ' (key as named by the dataset itself: pin it with --key)'}${policy.threshold ? ` and ${policy.threshold} witness(es)` : ''}`);

    // The journal on the second core (where there is one to start), the ledger pages and records on this one
    // meanwhile; their faults are named in the order of the checks, the journal's first.
    const pages = ledgerPagesIn(checkpoint.files.map((f) => f.path));
    const early = checkBeforeJournal(files, pages);
    early.catch(() => {}); // awaited after the journal's checks; this only keeps an early fault from being reported twice
    // Then the cash book's pages and CSVs, read and recomputed from their own rows while the journal still runs
    // (compared with it after), and every listed file no check reads, hashed (a fault named last, as before).
    const cashBook = early.then(() => readCashBook(files));
    cashBook.catch(() => {}); // awaited after the journal's checks, like `early`
    const restHashed = cashBook.then(() => files.rest(checkpoint.journal_chunks, CASH_BOOK_PREFIX)).then(() => undefined, (error: unknown) => error);
    // A copy made from the file list alone has no tile/ folder: the root is still recomputed from the journal.
    const tilesPresent = isUrl(source) || existsSync(join(source, 'tile'));
    const journal = await journalPass({ source, files: checkpoint.files, chunks: checkpoint.journal_chunks, tilesPresent }, (entries) => onProgress?.(entries, checkpoint.entry_count));
    Object.assign(state, journal.state);
    if (!journal.pass) throw new Fault(journal.fault!.entryId, journal.fault!.file, journal.fault!.reason);
    const { counters, commitments, tree } = journal.pass;
    const gifts = new GiftEntries(journal.pass.gifts);
    checked.push(`hash chain of ${state.count.toLocaleString('en')} entries`);
    // The Merkle tree rebuilt from the journal: its tiles and entry bundles are the published ones (checked in the pass).
    if (tree.size !== signed.size || !sameHash(tree.root, signed.root)) throw new Fault(null, LOG_FILES.checkpoint, `the journal's Merkle root ${toBase64(tree.root)} is not the signed root ${toBase64(signed.root)}`);
    checked.push(tilesPresent ? 'Merkle root, tiles and entry bundles of the transparency log' : 'Merkle root recomputed from the journal (this copy has no tile/ folder)');

    const history = await verifyHistory(read, await readText(read, LOG_FILES.history), signed, { ...policy, threshold: 0 }).catch(logFault(LOG_FILES.history));
    checked.push(`${history.length.toLocaleString('en')} checkpoint(s) in the history, each signed and a prefix of today's log`);
    if (trust.since) {
      const saved = await parseSaved(trust.since, policy, history).catch(logFault('--since'));
      if (!(await checkConsistency(read, saved, signed)).ok) throw new Fault(null, '--since', `your saved checkpoint (${saved.size} entries, root ${toBase64(saved.root)}) is not a prefix of today's log: the journal was rewritten`);
      checked.push(`your saved checkpoint of ${saved.size.toLocaleString('en')} entries is a prefix of today's log`);
    }

    const mismatch = compareWithCheckpoint(state, checkpoint);
    if (mismatch) throw new Fault(mismatch.entryId, FILES.checkpoint, mismatch.reason);
    checked.push('checkpoint head hash, entry count, account balances and totals');

    const before = await early;
    checked.push(await checkRecords(files, pages, before, commitments, gifts));
    const { records } = before;
    const contributions = before.ledger.tally;

    const houses = JSON.parse(await files.text(FILES.houses)) as PublicHouse[];
    const latest = latestContributions(records);
    checked.push(await checkHouses(files, houses, records, latest));
    for (const house of houses) {
      const expected = counters.houses.get(house.id) ?? { allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0 };
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

    const areas = JSON.parse(await files.text(FILES.areas)) as PublicArea[];
    checked.push(await checkDerived(files, checkpoint, houses, areas, contributions, counters));
    checked.push(await checkCashBook(files, await cashBook, new CashLines(journal.pass.cash), { records, latest, houses, areas, gifts }));
    const restFault = await restHashed;
    if (restFault) throw restFault;
    checked.push(`SHA-256 of ${checkpoint.files.length.toLocaleString('en')} files`);
    return { ok: true, entries: state.count, headHash: state.headHash, checked };
  } catch (error) {
    const fault = error instanceof Fault ? { entryId: error.entryId, file: error.file, reason: error.message } : { entryId: null, file: '', reason: String((error as Error)?.message ?? error) };
    return { ok: false, entries: state.count, headHash: state.headHash, checked, fault };
  }
}
