// `npm run publish`: exports the public, privacy-filtered dataset from the database in one consistent
// snapshot, a batch at a time (nothing assumes the journal or the contributions fit in memory), into
// a fresh folder that replaces the previous one only once every file is written.
import { exportCashBook } from './cash-book-export';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, asc, eq, gt, gte, lte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { queryRows, schema, type Db, type Tx } from '../../db/client';
import { currentCampaign } from '../domain/campaigns';
import { DomainError } from '../domain/errors';
import { stageColumn, stageOf } from '../domain/houses';
import { stages } from '../domain/schemas';
import { journalBatches } from '../domain/journal-read';
import { parsePoolKey } from '../ledger/accounts';
import { balancesOf, canonicalOfRecord, checkRecord, recordOfEntry, startChain } from './chain';
import { csvRow } from './csv';
import type { PublishedRecord } from './records';
import { FileSink, jsonFileText, JsonArraySink, linkUnchanged, sha256Hex, type DatasetChanges } from './files';
import {
  CONTRIBUTION_CSV_HEADER, DATASET_FORMAT, FILES, JOURNAL_CHUNK_ENTRIES, LEDGER_PAGE_SIZE,
  type Checkpoint, type DatasetFile, type HouseDetail, type HouseFunder, type PublicAllocation,
  type PublicCampaign, type PublicContribution, type PublicDisbursement, type PublicHouse, type PublicStatePayment,
} from './format';
import { areaMoneyOf, ContributionTally, GIVING360_WRAP, grantOfHouse, HOUSE_CSV_HEADER, houseCsvRow, HouseTally, publicAreas, summaryOf } from './derived';
import { photosOfHouseRange, stagesWithPhotos } from './photos';
import { selectContributions } from './contribution-rows';
import { publicDonorName, publicHeadName, publicItems, publicLabour } from './privacy';
import { headlineFromBalances, paidBySource } from '../ledger/headline';
import { LogRewrittenError, LogWriter } from './tlog/log-writer';
import { extensionFields } from './tlog/note';
import { logOrigin, readPreviousLog, writeSignedCheckpoint, type PreviousLog } from './tlog/history';
import { fundSigner, type NoteSigner } from './tlog/signer';
import { toBase64 } from './tlog/sha256';
import { bundleVerifier } from './tlog/bundle-verifier';
import { sixMonthReport } from '../staff/report';

const { areas, houses, households, allocations, disbursements, statePayments, journalEntries, chainHead, publicRecords } = schema;
const reversals = alias(journalEntries, 'reversals');

export interface PublishOptions {
  /** The time written into the checkpoint (defaults to now). */
  now?: Date;
  onProgress?: (what: string, done: number, total?: number) => void;
  /** The last published folder, whose tiles are reused and whose checkpoint history is extended (default: outDir). */
  previous?: string;
  /** Signs the checkpoint (default: the fund's key, created on first use). */
  signer?: NoteSigner;
}

export interface PublishReport {
  dir: string;
  entries: number;
  contributions: number;
  houses: number;
  files: number;
  bytes: number;
  headHash: string;
  /** The files this publish wrote against the last one (every other file is the last one's, linked). */
  changes: DatasetChanges;
  /** The transparency log: tree size, base64 root, tiles written now and reused from the last publish. */
  log: { size: number; root: string; tilesWritten: number; tilesReused: number; note: string };
}

const CONTRIBUTION_BATCH = 5000;
const HOUSE_BATCH = 200;

const n = (value: unknown) => Number(value ?? 0);
const iso = (value: unknown) => new Date(value as string | Date).toISOString();
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
  const report = await db.transaction((tx) => writeDataset(tx, campaign, tmp, generatedAt, done, files, progress, previous, signer), { isolationLevel: 'repeatable read', accessMode: 'read only' })
    .catch(async (error: unknown) => {
      await rm(tmp, { recursive: true, force: true });
      throw error;
    });
  const changes = await linkUnchanged(tmp, files, previousFiles && { dir: previousDir, files: previousFiles });
  await rm(outDir, { recursive: true, force: true });
  await rename(tmp, outDir);
  return { dir: outDir, ...report, changes, files: files.length + 1, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}

// Every committed entry's public record with its salt, so anyone can check it against the chain; a
// withdrawn record is published as its commitment's entry and "withdrawn", never its old text.
async function exportRecords(tx: Tx, root: string, done: (file: DatasetFile) => void): Promise<void> {
  const out = await FileSink.open(root, FILES.records, done);
  for (let after = 0; ;) {
    const rows = await tx.select().from(publicRecords).where(gt(publicRecords.entryId, after)).orderBy(asc(publicRecords.entryId)).limit(5000);
    if (rows.length === 0) break;
    for (const r of rows) {
      const line: PublishedRecord = { entry_id: r.entryId, kind: r.kind, subject_id: r.subjectId, salt: r.salt, record: r.body === null ? null : JSON.parse(r.body), withdrawn_by_entry_id: r.withdrawnByEntryId };
      await out.write(`${JSON.stringify(line)}\n`);
    }
    after = rows.at(-1)!.entryId;
  }
  await out.close();
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
) {
  const areaRows = await tx.select().from(areas).orderBy(asc(areas.id));
  const areaCode = new Map(areaRows.map((a) => [a.id, a.code]));

  // The journal, chunked, checked link by link as it is written: a broken chain is never published.
  const chain = startChain();
  const log = new LogWriter(tmp, previous && { dir: previous.dir, size: previous.checkpoint.size, root: previous.checkpoint.root });
  // The previous checkpoint signed the chain's head at its size: if the chain still has that head there, no
  // earlier entry changed, and the log continues from the previous tiles without rehashing them.
  const previousChain = previous && extensionFields(previous.checkpoint).chain;
  if (previousChain) log.continueFromPrevious();
  const encoder = new TextEncoder();
  const journalChunks: string[] = [];
  let chunk: FileSink | undefined;
  for await (const batch of journalBatches(tx)) {
    for (const entry of batch) {
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
  await exportRecords(tx, tmp, done);

  const contributionsDone = await exportContributions(tx, campaign.id, tmp, done, progress);
  const housesDone = await exportHouses(tx, campaign, areaRows, areaCode, contributionsDone.pageOf, tmp, done, progress);
  await exportCashBook(tx, tmp, done);

  const summary = summaryOf({
    generatedAt, totals, contributions: contributionsDone.tally, houses: housesDone.tally, areaRows,
    entryCount: chain.count, headHash: chain.headHash, campaign: { starts_on: campaign.startsOn, ends_on: campaign.endsOn },
  });
  // The six-monthly reports the resolution asks for, the staff report's public figures (public names only).
  for (const period of summary.reports) await writeJson(tmp, FILES.report(period.id), await sixMonthReport(tx, period.from, period.to, 50), done);
  await writeJson(tmp, FILES.summary, summary, done);
  // What each commune's pool still holds, from the journal's pool_commune lines.
  const pools = await queryRows<{ area_id: number | string; held: number | string }>(tx, sql`
    SELECT area_id, -sum(amount_vnd) AS held FROM journal_lines WHERE account = 'pool_commune' AND area_id IS NOT NULL GROUP BY area_id`);
  const areaMoney = areaMoneyOf(areaRows, contributionsDone.tally.receivedByArea, pools.map((p): [number, number] => [n(p.area_id), n(p.held)]));
  await writeJson(tmp, FILES.areas, publicAreas(areaRows, housesDone.tally, areaMoney), done);

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
    files: files.slice().sort((a, b) => a.path.localeCompare(b.path)),
  };
  const checkpointJson = `${JSON.stringify(checkpoint, null, 1)}\n`;
  await writeFile(`${tmp}/${FILES.checkpoint}`, checkpointJson);
  // The signed note covers checkpoint.json by its SHA-256, and through it every file's hash.
  const note = await writeSignedCheckpoint(tmp, signer, {
    origin: signer.name, size: tree.size, root: tree.root,
    extensions: [`time ${generatedAt}`, `chain ${chain.headHash}`, `dataset ${sha256Hex(checkpointJson)}`],
  }, previous);
  return {
    entries: chain.count, contributions: contributionsDone.tally.count, houses: housesDone.count, headHash: chain.headHash,
    log: { size: tree.size, root: toBase64(tree.root), tilesWritten: tree.written, tilesReused: tree.reused, note },
  };
}

async function writeJson(root: string, path: string, value: unknown, done: (file: DatasetFile) => void): Promise<void> {
  const sink = await FileSink.open(root, path, done);
  await sink.write(jsonFileText(value));
  await sink.close();
}

function campaignRecord(campaign: typeof schema.campaigns.$inferSelect): PublicCampaign {
  return {
    code: campaign.code, name: campaign.name, is_demo: campaign.isDemo, target_houses: campaign.targetHouses,
    baseline: campaign.baseline as PublicCampaign['baseline'], support_levels: campaign.supportLevels as PublicCampaign['support_levels'],
    labour_day_rate_vnd: campaign.labourDayRateVnd, starts_on: campaign.startsOn, ends_on: campaign.endsOn,
  };
}

// Every contribution in id order: static ledger pages of LEDGER_PAGE_SIZE, the CSV, and the figures the home page charts.
async function exportContributions(tx: Tx, campaignId: number, root: string, done: (file: DatasetFile) => void, progress: (what: string, done: number) => void) {
  const csv = await FileSink.open(root, FILES.contributionsCsv, done);
  await csv.write(csvRow(CONTRIBUTION_CSV_HEADER));
  const tally = new ContributionTally();
  let page: PublicContribution[] = [];
  let pages = 0;
  // Which static ledger page shows each contribution, for the links on the house pages.
  const pageOf = new Map<number, number>();
  const flushPage = async () => {
    if (page.length === 0) return;
    await writeJson(root, FILES.ledgerPage(++pages), page, done);
    page = [];
  };
  for (let after = 0; ;) {
    const rows = await selectContributions(tx, sql`c.campaign_id = ${campaignId} AND c.id > ${after}`, sql`ORDER BY c.id LIMIT ${CONTRIBUTION_BATCH}`);
    if (rows.length === 0) break;
    for (const record of rows) {
      page.push(record);
      pageOf.set(record.id, tally.add(record));
      await csv.write(csvRow(CONTRIBUTION_CSV_HEADER.map((key) => record[key])));
      if (page.length === LEDGER_PAGE_SIZE) await flushPage();
    }
    after = rows.at(-1)!.id;
    progress('contributions', tally.count);
  }
  await flushPage();
  await csv.close();
  return { tally, pageOf };
}

// Houses a batch at a time: each house's file with every gift that funded it (designated, or pooled
// money assigned to it by lineage), the house list, its CSV and grants, and the per-area progress.
async function exportHouses(
  tx: Tx,
  campaign: typeof schema.campaigns.$inferSelect,
  areaRows: (typeof areas.$inferSelect)[],
  areaCode: Map<number, string>,
  pageOf: Map<number, number>,
  root: string,
  done: (file: DatasetFile) => void,
  progress: (what: string, done: number) => void,
) {
  const publicCampaign = campaignRecord(campaign);
  await writeJson(root, FILES.campaign, publicCampaign, done);
  const areaById = new Map(areaRows.map((a) => [a.id, a]));
  const tally = new HouseTally(areaById);
  const list = await JsonArraySink.open(root, FILES.houses, done);
  const csv = await FileSink.open(root, FILES.housesCsv, done);
  await csv.write(csvRow(HOUSE_CSV_HEADER));
  const grants = await JsonArraySink.open(root, FILES.giving360, done, GIVING360_WRAP);
  const allocationsOut = await FileSink.open(root, FILES.allocations, done);
  const disbursementsOut = await FileSink.open(root, FILES.disbursements, done);
  let count = 0;

  for (let after = 0; ;) {
    const batch = await tx.select({ house: houses, headFullName: households.headFullName, headInitials: households.headInitials, publishFullName: households.publishFullName, povertyStatus: households.povertyStatus, housingNeed: households.housingNeed })
      .from(houses).innerJoin(households, eq(households.id, houses.householdId))
      .where(and(eq(houses.campaignId, campaign.id), gt(houses.id, after)))
      .orderBy(asc(houses.id)).limit(HOUSE_BATCH);
    if (batch.length === 0) break;
    const first = batch[0]!.house.id;
    const last = batch.at(-1)!.house.id;
    const funders = await houseFunders(tx, first, last, pageOf);
    const photos = await photosOfHouseRange(tx, first, last);
    const houseAllocations = await tx.select({ a: allocations, occurredAt: journalEntries.occurredAt, code: houses.publicCode, reversedBy: reversals.id })
      .from(allocations).innerJoin(journalEntries, eq(journalEntries.id, allocations.entryId)).innerJoin(houses, eq(houses.id, allocations.houseId))
      .leftJoin(reversals, eq(reversals.reversesEntryId, allocations.entryId))
      .where(and(gte(allocations.houseId, first), lte(allocations.houseId, last))).orderBy(asc(allocations.houseId), asc(allocations.id));
    const houseDisbursements = await tx.select({ d: disbursements, code: houses.publicCode, reversedBy: reversals.id })
      .from(disbursements).innerJoin(houses, eq(houses.id, disbursements.houseId))
      .leftJoin(reversals, eq(reversals.reversesEntryId, disbursements.entryId))
      .where(and(gte(disbursements.houseId, first), lte(disbursements.houseId, last), eq(disbursements.status, 'approved')))
      .orderBy(asc(disbursements.houseId), asc(disbursements.id));
    const houseStatePayments = await tx.select({ p: statePayments, code: houses.publicCode, reversedBy: reversals.id })
      .from(statePayments).innerJoin(houses, eq(houses.id, statePayments.houseId))
      .leftJoin(reversals, eq(reversals.reversesEntryId, statePayments.entryId))
      .where(and(gte(statePayments.houseId, first), lte(statePayments.houseId, last)))
      .orderBy(asc(statePayments.houseId), asc(statePayments.id));

    for (const row of batch) {
      const h = row.house;
      const mine = funders.get(h.id) ?? [];
      const sum = (pick: (f: HouseFunder & { account: string }) => boolean) => mine.filter(pick).reduce((s, f) => s + f.amount_vnd, 0);
      const inKindVnd = sum((f) => f.account === 'house_in_kind');
      const house: PublicHouse = {
        id: h.id, code: h.publicCode, area_code: areaCode.get(h.areaId)!, type: h.type, poverty_status: row.povertyStatus, housing_need: row.housingNeed,
        head: publicHeadName(row), minutes_ref: h.minutesRef,
        budget_vnd: h.budgetVnd, allocated_vnd: h.allocatedVnd, remaining_vnd: h.budgetVnd - h.allocatedVnd, cash_allocated_vnd: h.cashAllocatedVnd, disbursed_vnd: h.disbursedVnd,
        paid: paidBySource(h.disbursedVnd, h.statePaidVnd, inKindVnd),
        funding: {
          state_budget_vnd: sum((f) => f.account === 'house_state'),
          designated_vnd: sum((f) => f.account === 'house_cash' && f.via === 'designated'),
          pooled_vnd: sum((f) => f.account === 'house_cash' && f.via === 'pool'),
          in_kind_vnd: inKindVnd,
          labour_estimate_vnd: sum((f) => f.account === 'house_labour'),
          labour_person_days: mine.reduce((s, f) => s + (f.labour?.person_days ?? 0), 0),
        },
        stage: stageOf(h),
        stages: stagesWithPhotos(stages, (stage) => h[stageColumn[stage]], photos.get(h.id)),
      };
      const detail: HouseDetail = {
        code: h.publicCode,
        funders: mine.map(({ account: _account, ...funder }) => funder),
        allocations: houseAllocations.filter((a) => a.a.houseId === h.id).map(({ a, occurredAt, code, reversedBy }): PublicAllocation => ({
          id: a.id, entry_id: a.entryId, occurred_at: occurredAt.toISOString(), house_code: code,
          pool: a.poolKey === 'general' ? 'general' : 'commune',
          pool_area_code: areaCode.get(parsePoolKey(a.poolKey) ?? 0) ?? null,
          amount_vnd: a.amountVnd, decision_ref: a.decisionRef, reversed_by_entry_id: reversedBy,
        })),
        disbursements: houseDisbursements.filter((d) => d.d.houseId === h.id).map(({ d, code, reversedBy }): PublicDisbursement => ({
          id: d.id, entry_id: d.entryId!, paid_at: (d.decidedAt ?? d.recordedAt).toISOString(), house_code: code, amount_vnd: d.amountVnd, purpose: d.purpose,
          reversed_by_entry_id: reversedBy,
        })),
        state_payments: houseStatePayments.filter((p) => p.p.houseId === h.id).map(({ p, code, reversedBy }): PublicStatePayment => ({
          id: p.id, entry_id: p.entryId, paid_on: p.paidOn, house_code: code, amount_vnd: p.amountVnd, document_ref: p.documentRef, reversed_by_entry_id: reversedBy,
        })),
      };
      await writeJson(root, FILES.house(h.publicCode), detail, done);
      for (const a of detail.allocations) await allocationsOut.write(`${JSON.stringify(a)}\n`);
      for (const d of detail.disbursements) await disbursementsOut.write(`${JSON.stringify(d)}\n`);
      await list.push(house);
      const commune = areaById.get(h.areaId);
      await csv.write(houseCsvRow(house, commune?.name));
      const grant = grantOfHouse(house, publicCampaign, commune?.name);
      if (grant) await grants.push(grant);
      tally.add(house, commune);
      count++;
    }
    after = last;
    progress('houses', count);
  }
  await list.close();
  await csv.close();
  await grants.close();
  await allocationsOut.close();
  await disbursementsOut.close();
  return { count, tally };
}

// Lineage: the net amount each gift gave each house in the id range, read from the house's journal lines.
// A line of an entry that names its contribution is the gift itself (designated); an allocation's lines carry pooled money.
async function houseFunders(tx: Tx, firstHouseId: number, lastHouseId: number, pageOf: Map<number, number>): Promise<Map<number, (HouseFunder & { account: string })[]>> {
  const rows = await queryRows(tx, sql`
    SELECT f.house_id, f.account, f.direct, f.amount_vnd, c.id AS contribution_id, c.receipt_code, c.received_at, c.kind, c.details,
           d.display_name, d.anonymous
    FROM (
      SELECT l.house_id, l.account, l.contribution_id, (e.contribution_id IS NOT NULL) AS direct, -sum(l.amount_vnd) AS amount_vnd
      FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
      WHERE l.house_id BETWEEN ${firstHouseId} AND ${lastHouseId}
        AND l.account IN ('house_cash', 'house_in_kind', 'house_state', 'house_labour')
      GROUP BY l.house_id, l.account, l.contribution_id, (e.contribution_id IS NOT NULL)
      HAVING sum(l.amount_vnd) <> 0
    ) f
    JOIN contributions c ON c.id = f.contribution_id
    JOIN donors d ON d.id = c.donor_id
    ORDER BY f.house_id, c.id, f.account, f.direct DESC`);
  const byHouse = new Map<number, (HouseFunder & { account: string })[]>();
  for (const row of rows) {
    const houseId = n(row.house_id);
    const list = byHouse.get(houseId) ?? [];
    list.push({
      account: String(row.account),
      receipt_code: String(row.receipt_code),
      contribution_id: n(row.contribution_id),
      ledger_page: pageOf.get(n(row.contribution_id)) ?? null,
      donor: publicDonorName({ anonymous: Boolean(row.anonymous), displayName: (row.display_name as string | null) ?? null }),
      kind: row.kind as HouseFunder['kind'],
      via: row.account === 'house_cash' ? (row.direct ? 'designated' : 'pool') : null,
      amount_vnd: n(row.amount_vnd),
      received_at: iso(row.received_at),
      items: row.kind === 'in_kind' ? publicItems(row.details) : null,
      labour: row.kind === 'labour' ? publicLabour(row.details) : null,
    });
    byHouse.set(houseId, list);
  }
  return byHouse;
}
