// `npm run publish`: exports the public, privacy-filtered dataset from the database in one consistent
// snapshot, a batch at a time (nothing assumes the journal or the contributions fit in memory), into
// a fresh folder that replaces the previous one only once every file is written.
import { exportCashBook, vnMonthOf } from './cash-book-export';
import { CASH_ACCOUNTS } from './cash-book';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asc, sql } from 'drizzle-orm';
import { queryRows, schema, type Db, type Tx } from '../../db/client';
import { currentCampaign } from '../domain/campaigns';
import { DomainError } from '../domain/errors';
import { journalBatches } from '../domain/journal-read';
import { balancesOf, canonicalOfRecord, checkRecord, recordOfEntry, startChain } from './chain';
import { FileSink, linkUnchanged, manifestOrder, sha256Hex, type DatasetChanges } from './files';
import {
  DATASET_FORMAT, FILES, JOURNAL_CHUNK_ENTRIES, LEDGER_PAGE_SIZE,
  type Checkpoint, type DatasetFile, type PublicArea,
  type PublicCampaign, type Summary,
} from './format';
import { emptyAreaHouses, emptyCounts, exportHouses, type HouseContext } from './house-export';
import { exportTouchedHouses, incrementalBase, keepJournalChunks, reopenLastChunk, writePublishState } from './incremental';
import { exportChangedContributions, exportContributions } from './contribution-export';
import { exportChangedRecords, exportRecords } from './records-export';
import { headlineFromBalances } from '../ledger/headline';
import { reportPeriods } from './derived';
import { LogRewrittenError, LogWriter } from './tlog/log-writer';
import { extensionFields } from './tlog/note';
import { logOrigin, readPreviousLog, writeSignedCheckpoint, type PreviousLog } from './tlog/history';
import { fundSigner, type NoteSigner } from './tlog/signer';
import { toBase64 } from './tlog/sha256';
import { bundleVerifier } from './tlog/bundle-verifier';
import { donorMergesDigest, exportReports } from './report-export';

const { areas, chainHead } = schema;

export interface PublishOptions {
  /** The time written into the checkpoint (defaults to now). */
  now?: Date;
  onProgress?: (what: string, done: number, total?: number) => void;
  /** The last published folder, whose tiles are reused and whose checkpoint history is extended (default: outDir). */
  previous?: string;
  /** Signs the checkpoint (default: the fund's key, created on first use). */
  signer?: NoteSigner;
  /** false: read the whole database and derive every file again, even when the last publish could be continued. */
  incremental?: boolean;
}

export interface PublishReport {
  dir: string;
  entries: number;
  contributions: number;
  houses: number;
  files: number;
  bytes: number;
  headHash: string;
  /** Rows read from the database for the journal and the houses, and the half-year reports made from the database: an incremental publish reads the change, not the campaign. */
  read: { entries: number; houses: number; contributions: number; reports: number };
  /** Whether the publish continued from the last one's files and running totals (false: everything was read). */
  incremental: boolean;
  /** The files this publish wrote against the last one (every other file is the last one's, linked). */
  changes: DatasetChanges;
  /** The transparency log: tree size, base64 root, tiles written now and reused from the last publish. */
  log: { size: number; root: string; tilesWritten: number; tilesReused: number; note: string };
}


const n = (value: unknown) => Number(value ?? 0);
type AreaMoney = Pick<PublicArea, 'received_vnd' | 'received_count' | 'pool_vnd'>;

// Each area's money as a commune officer asks for it: cash given to it or its houses, and what its
// communes' pools still hold (from the journal's pool_commune lines), summed up the tree onto `start`
// (nothing for a full publish; the last publish's figures for an incremental one, with the changes).
function areaMoneyOf(areaRows: (typeof areas.$inferSelect)[], start: Map<number, AreaMoney>, receivedByCode: Map<string, { count: number; amount_vnd: number }>, poolHeld: Map<number, number>) {
  const byId = new Map(areaRows.map((a) => [a.id, a]));
  const money = start;
  const add = (areaId: number, delta: Partial<AreaMoney>) => {
    for (let area = byId.get(areaId); area; area = area.parentId === null ? undefined : byId.get(area.parentId)) {
      const m = money.get(area.id) ?? { received_vnd: 0, received_count: 0, pool_vnd: 0 };
      m.received_vnd += delta.received_vnd ?? 0;
      m.received_count += delta.received_count ?? 0;
      m.pool_vnd += delta.pool_vnd ?? 0;
      money.set(area.id, m);
    }
  };
  const idOfCode = new Map(areaRows.map((a) => [a.code, a.id]));
  for (const [code, got] of receivedByCode) {
    const id = idOfCode.get(code);
    if (id !== undefined) add(id, { received_vnd: got.amount_vnd, received_count: got.count });
  }
  for (const [areaId, held] of poolHeld) add(areaId, { pool_vnd: held });
  return money;
}

// What every commune pool holds, from all its journal lines (full publish).
async function poolsHeld(tx: Tx): Promise<Map<number, number>> {
  const pools = await queryRows<{ area_id: number | string; held: number | string }>(tx, sql`
    SELECT area_id, -sum(amount_vnd) AS held FROM journal_lines WHERE account = 'pool_commune' AND area_id IS NOT NULL GROUP BY area_id`);
  return new Map(pools.map((p) => [n(p.area_id), n(p.held)]));
}

export async function publishDataset(db: Db, outDir: string, options: PublishOptions = {}): Promise<PublishReport> {
  const campaign = await currentCampaign(db);
  if (!campaign) {
    throw new DomainError(409, 'no_campaign', 'Chưa có chiến dịch nào để công bố: chạy npm run seed:demo hoặc tạo một chiến dịch trước.',
      'There is no campaign to publish: run npm run seed:demo or create a campaign first.');
  }
  const tmp = `${outDir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  const files: DatasetFile[] = [];
  const done = (file: DatasetFile) => files.push(file);
  const progress = options.onProgress ?? (() => {});
  const generatedAt = (options.now ?? new Date()).toISOString();
  const previousDir = options.previous ?? outDir;
  const previous = readPreviousLog(previousDir);
  const previousFiles = await readFile(join(previousDir, FILES.checkpoint), 'utf8').then((text) => (JSON.parse(text) as Checkpoint).files, () => undefined);
  const signer = options.signer ?? fundSigner(logOrigin());

  // One snapshot for every query, so a gift recorded mid-publish is either wholly in or wholly out.
  const report = await db.transaction((tx) => writeDataset(tx, campaign, tmp, generatedAt, done, files, progress, previous, signer, options.incremental ?? true), { isolationLevel: 'repeatable read', accessMode: 'read only' })
    .catch(async (error: unknown) => {
      await rm(tmp, { recursive: true, force: true });
      throw error;
    });
  const changes = await linkUnchanged(tmp, files, previousFiles && { dir: previousDir, files: previousFiles });
  await rm(outDir, { recursive: true, force: true });
  await rename(tmp, outDir);
  return { dir: outDir, ...report, changes, files: files.length + 1, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}

async function writeDataset(
  tx: Tx,
  campaign: typeof schema.campaigns.$inferSelect,
  tmp: string,
  generatedAt: string,
  done: (file: DatasetFile) => void,
  files: DatasetFile[],
  progress: (what: string, done: number, total?: number) => void,
  previous: PreviousLog | undefined,
  signer: NoteSigner,
  incremental: boolean,
) {
  const areaRows = await tx.select().from(areas).orderBy(asc(areas.id));
  const areaCode = new Map(areaRows.map((a) => [a.id, a.code]));

  // The journal, chunked, checked link by link as it is written: a broken chain is never published.
  const log = new LogWriter(tmp, previous && { dir: previous.dir, size: previous.checkpoint.size, root: previous.checkpoint.root });
  // The previous checkpoint signed the chain's head at its size: if the chain still has that head there, no
  // earlier entry changed, and the log continues from the previous tiles without rehashing them.
  const previousChain = previous && extensionFields(previous.checkpoint).chain;
  const continued = previousChain ? log.continueFromPrevious() : false;
  // Incremental: the last publish's files and running totals stand for everything up to its entry count.
  const base = incremental && continued && previousChain ? await incrementalBase(tx, previous!.dir, previousChain, campaign.code) : undefined;
  const chain = base?.chain ?? startChain();
  const encoder = new TextEncoder();
  const journalChunks: string[] = base ? await keepJournalChunks(base, tmp, done) : [];
  let chunk: FileSink | undefined = base ? await reopenLastChunk(base, tmp, done) : undefined;
  // Only the log's unfinished bundle is read again before the new entries (fewer than 256 entries).
  const readFrom = base ? log.resumeAt(base.checkpoint.entry_count) : 0;
  const read = { entries: 0, houses: 0, contributions: 0, reports: 0 };
  const poolMoved = new Map<number, number>();
  const cashMonths = new Map<string, Set<string>>();
  for await (const batch of journalBatches(tx, readFrom)) {
    read.entries += batch.length;
    for (const entry of batch) {
      if (entry.id <= chain.count) {
        await log.append(encoder.encode(canonicalOfRecord(recordOfEntry(entry))));
        continue;
      }
      if ((entry.id - 1) % JOURNAL_CHUNK_ENTRIES === 0) {
        await chunk?.close();
        const path = FILES.journalChunk(journalChunks.length + 1);
        journalChunks.push(path);
        chunk = await FileSink.open(tmp, path, done);
      }
      const record = recordOfEntry(entry);
      const fault = await checkRecord(chain, record, sha256Hex);
      if (fault) throw new Error(`Journal entry #${fault.entryId}: ${fault.reason}. Nothing was published; run npm run ledger:verify.`);
      if (previous && chain.count === previous.checkpoint.size && previousChain && chain.headHash !== previousChain) {
        throw new LogRewrittenError(`The journal's entry #${chain.count} no longer has the hash the last signed checkpoint names (${previousChain}): entries were rewritten. Nothing was published.`);
      }
      await chunk!.write(`${JSON.stringify(record)}\n`);
      // What the new entries move in the commune pools and which cash book months they reach, for an incremental publish.
      for (const [account, , areaId, , amountVnd] of record.lines) {
        if (account === 'pool_commune' && areaId !== null) poolMoved.set(areaId, (poolMoved.get(areaId) ?? 0) - amountVnd);
        if ((CASH_ACCOUNTS as readonly string[]).includes(account)) cashMonths.set(account, (cashMonths.get(account) ?? new Set()).add(vnMonthOf(record.occurred_at)));
      }
      // The Merkle leaf is the entry's canonical form, the same bytes the hash chain covers.
      await log.append(encoder.encode(canonicalOfRecord(record)));
    }
    progress('journal entries', chain.count);
  }
  await chunk?.close();
  const tree = await log.finish();
  const [head] = await tx.select().from(chainHead);
  if (!head || head.entryCount !== chain.count || head.headHash !== chain.headHash) {
    throw new Error(`The chain head (${head?.entryCount} entries) does not match the journal (${chain.count}). Nothing was published; run npm run ledger:verify.`);
  }
  const balances = balancesOf(chain);
  const totals = headlineFromBalances(balances);
  if (base) await exportChangedRecords(tx, base, tmp, done);
  else await exportRecords(tx, tmp, done);

  const contributionsDone = base
    ? await exportChangedContributions(tx, campaign.id, base, tmp, done)
    : await exportContributions(tx, campaign.id, tmp, done, progress);
  read.contributions = contributionsDone.read;
  const houseContext: HouseContext = {
    campaign: campaignRecord(campaign), areaById: new Map(areaRows.map((a) => [a.id, a])), areaCode, areaIdByCode: new Map(areaRows.map((a) => [a.code, a.id])), pages: contributionsDone.pageFirstIds };
  await writeJson(tmp, FILES.campaign, houseContext.campaign, done);
  const touched = base && await exportTouchedHouses(tx, houseContext, base, tmp, done);
  const housesDone = touched ?? await exportHouses(tx, houseContext, campaign.id, tmp, done, progress);
  read.houses = housesDone.read;
  await exportCashBook(tx, tmp, done, base && { base, months: cashMonths, kinds: contributionsDone.touchedKinds });

  const summary: Summary = {
    generated_at: generatedAt,
    totals: { ...totals, cash_contributions: contributionsDone.cashCount, labour_person_days: contributionsDone.labourPersonDays },
    houses_by_stage: housesDone.all,
    short_of_money: housesDone.short,
    monthly: [...contributionsDone.monthly].sort(([a], [b]) => a.localeCompare(b)).map(([month, m]) => ({ month, count: m.count, amount_vnd: m.amountVnd })),
    districts: areaRows.filter((a) => a.level === 'district').map((a) => ({ code: a.code, name: a.name, houses: housesDone.byArea.get(a.id)?.houses ?? emptyCounts() })),
    newest: contributionsDone.newest.slice().reverse(),
    ledger: {
      contributions: contributionsDone.count, pages: contributionsDone.pages, page_size: LEDGER_PAGE_SIZE, index: contributionsDone.index,
      by_kind: contributionsDone.byKind, reversed: contributionsDone.reversed,
    },
    entry_count: chain.count,
    head_hash: chain.headHash,
    reports: reportPeriods(campaign.startsOn, campaign.endsOn, generatedAt),
  };
  // The six-monthly reports the resolution asks for, the staff report's public figures (public names only).
  const donorMerges = await donorMergesDigest(tx);
  read.reports = await exportReports(tx, summary.reports, chain, donorMerges, (path, value) => writeJson(tmp, path, value, done), base && touched && { base, housesFrom: touched.housesFrom });
  await writeJson(tmp, FILES.summary, summary, done);
  const areaMoney = base
    ? areaMoneyOf(areaRows, new Map(base.areas.map((a) => [a.id, { received_vnd: a.received_vnd, received_count: a.received_count, pool_vnd: a.pool_vnd }])), contributionsDone.receivedByArea, poolMoved)
    : areaMoneyOf(areaRows, new Map(), contributionsDone.receivedByArea, await poolsHeld(tx));
  await writeJson(tmp, FILES.areas, areaRows.map((a): PublicArea => ({
    id: a.id, code: a.code, name: a.name, level: a.level, parent_code: a.parentId === null ? null : areaCode.get(a.parentId) ?? null,
    new_commune_name: a.newCommuneName, new_province_name: a.newProvinceName,
    ...(housesDone.byArea.get(a.id) ?? emptyAreaHouses()),
    ...(areaMoney.get(a.id) ?? { received_vnd: 0, received_count: 0, pool_vnd: 0 }),
  })), done);

  done(await bundleVerifier(tmp));
  const checkpoint: Checkpoint = {
    format: DATASET_FORMAT,
    campaign_code: campaign.code,
    generated_at: generatedAt,
    entry_count: chain.count,
    head_hash: chain.headHash,
    journal_chunks: journalChunks,
    account_balances: balances,
    totals,
    log: { origin: signer.name, verifier_key: signer.verifierKey, tree_size: tree.size, root_hash: toBase64(tree.root) },
    files: manifestOrder(files),
  };
  const checkpointJson = `${JSON.stringify(checkpoint, null, 1)}\n`;
  await writePublishState(tmp, { entry_count: chain.count, ledger_page_first_ids: contributionsDone.pageFirstIds, donor_merges: donorMerges });
  await writeFile(`${tmp}/${FILES.checkpoint}`, checkpointJson);
  // The signed note covers checkpoint.json by its SHA-256, and through it every file's hash.
  const note = await writeSignedCheckpoint(tmp, signer, {
    origin: signer.name, size: tree.size, root: tree.root,
    extensions: [`time ${generatedAt}`, `chain ${chain.headHash}`, `dataset ${sha256Hex(checkpointJson)}`],
  }, previous);
  return {
    entries: chain.count, contributions: contributionsDone.count, houses: housesDone.count, headHash: chain.headHash, read, incremental: base !== undefined,
    log: { size: tree.size, root: toBase64(tree.root), tilesWritten: tree.written, tilesReused: tree.reused, note },
  };
}

async function writeJson(root: string, path: string, value: unknown, done: (file: DatasetFile) => void): Promise<void> {
  const sink = await FileSink.open(root, path, done);
  await sink.write(`${JSON.stringify(value)}\n`);
  await sink.close();
}

function campaignRecord(campaign: typeof schema.campaigns.$inferSelect): PublicCampaign {
  return {
    code: campaign.code, name: campaign.name, is_demo: campaign.isDemo, target_houses: campaign.targetHouses,
    baseline: campaign.baseline as PublicCampaign['baseline'], support_levels: campaign.supportLevels as PublicCampaign['support_levels'],
    labour_day_rate_vnd: campaign.labourDayRateVnd, starts_on: campaign.startsOn, ends_on: campaign.endsOn,
  };
}
