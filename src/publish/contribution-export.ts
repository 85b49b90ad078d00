// The ledger of contributions in the dataset: static pages of LEDGER_PAGE_SIZE in id order, the CSV, and
// the figures the home page charts. A full publish reads every contribution; an incremental one reads the
// pages a change touched (new gifts at the end, a reversal or a re-recorded gift on its own page) and
// moves the figures by the difference between those pages' old and new rows.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client';
import { selectContributions } from './contribution-rows';
import { csvRow } from './csv';
import { FileSink } from './files';
import { CONTRIBUTION_CSV_HEADER, FILES, LEDGER_PAGE_SIZE, type DatasetFile, type PublicContribution, type Summary } from './format';
import { ledgerPageOf } from './house-export';
import { keep, LineCursor, type IncrementalBase } from './incremental';

const CONTRIBUTION_BATCH = 5000;
const VN_OFFSET_MS = 7 * 3_600_000;

/** The running figures of the ledger: what the home page and the areas show of the contributions. */
export interface ContributionTotals {
  count: number;
  cashCount: number;
  labourPersonDays: number;
  monthly: Map<string, { count: number; amountVnd: number }>;
  /** What the ledger's rows are, so the site can say why its row count and sums differ from the headline. */
  byKind: Summary['ledger']['by_kind'];
  reversed: { count: number; amount_vnd: number };
  /** Cash given to a commune or to one of its houses (not reversed), by the commune's code. */
  receivedByArea: Map<string, { count: number; amount_vnd: number }>;
}

/** The ledger as written: its totals, pages, their index, the newest rows and each page's first id; rows read. */
export interface LedgerDone extends ContributionTotals {
  read: number;
  /** The kinds of gift whose rows a change touched (every kind for a full publish). */
  touchedKinds: Set<string>;
  pages: number;
  index: Summary['ledger']['index'];
  newest: PublicContribution[];
  pageFirstIds: number[];
}

const emptyTotals = (): ContributionTotals => ({
  count: 0, cashCount: 0, labourPersonDays: 0, monthly: new Map(),
  byKind: { cash: 0, in_kind: 0, labour: 0, state_budget: 0 }, reversed: { count: 0, amount_vnd: 0 }, receivedByArea: new Map(),
});

// Counts one row in (sign 1) or out (sign -1): the one rule for every figure the ledger feeds.
export function tally(totals: ContributionTotals, record: PublicContribution, sign: 1 | -1): void {
  totals.count += sign;
  totals.byKind[record.kind] += sign;
  if (record.reversed_by_entry_id !== null) {
    totals.reversed.count += sign;
    totals.reversed.amount_vnd += sign * record.amount_vnd;
    return;
  }
  if (record.kind === 'cash') {
    totals.cashCount += sign;
    if (record.area_code !== null) {
      const got = totals.receivedByArea.get(record.area_code) ?? { count: 0, amount_vnd: 0 };
      got.count += sign;
      got.amount_vnd += sign * record.amount_vnd;
      totals.receivedByArea.set(record.area_code, got);
    }
    const month = new Date(Date.parse(record.received_at) + VN_OFFSET_MS).toISOString().slice(0, 7);
    const m = totals.monthly.get(month) ?? { count: 0, amountVnd: 0 };
    m.count += sign;
    m.amountVnd += sign * record.amount_vnd;
    if (m.count === 0) totals.monthly.delete(month);
    else totals.monthly.set(month, m);
  }
  if (record.labour) totals.labourPersonDays += sign * record.labour.person_days;
}

const csvLineOf = (record: PublicContribution) => csvRow(CONTRIBUTION_CSV_HEADER.map((key) => record[key]));

async function writePage(root: string, page: number, rows: PublicContribution[], done: (file: DatasetFile) => void): Promise<void> {
  const sink = await FileSink.open(root, FILES.ledgerPage(page), done);
  await sink.write(`${JSON.stringify(rows)}\n`);
  await sink.close();
}
const indexOf = (page: number, rows: PublicContribution[]) => ({ page, from: rows[0]!.received_at, to: rows.at(-1)!.received_at });

/** Ledger pages written from a run of contributions in id order, starting at a given page number. */
class PageWriter {
  private page: PublicContribution[] = [];
  readonly index: Summary['ledger']['index'] = [];
  readonly firstIds: number[] = [];
  constructor(private readonly root: string, private number: number, private readonly done: (file: DatasetFile) => void, private readonly csv: FileSink) {}

  async push(record: PublicContribution): Promise<void> {
    if (this.page.length === 0) this.firstIds.push(record.id);
    this.page.push(record);
    await this.csv.write(csvLineOf(record));
    if (this.page.length === LEDGER_PAGE_SIZE) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.page.length === 0) return;
    await writePage(this.root, this.number, this.page, this.done);
    this.index.push(indexOf(this.number++, this.page));
    this.page = [];
  }

  get pages(): number {
    return this.number - 1;
  }
}

// Contributions of the campaign from an id on, a batch at a time, in id order.
async function* contributionsFrom(tx: Tx, campaignId: number, fromId: number): AsyncGenerator<PublicContribution[]> {
  for (let after = fromId - 1; ;) {
    const rows = await selectContributions(tx, sql`c.campaign_id = ${campaignId} AND c.id > ${after}`, sql`ORDER BY c.id LIMIT ${CONTRIBUTION_BATCH}`);
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)!.id;
  }
}

// Every contribution in id order (full publish).
export async function exportContributions(tx: Tx, campaignId: number, root: string, done: (file: DatasetFile) => void, progress: (what: string, done: number) => void): Promise<LedgerDone> {
  const csv = await FileSink.open(root, FILES.contributionsCsv, done);
  await csv.write(csvRow(CONTRIBUTION_CSV_HEADER));
  const totals = emptyTotals();
  const writer = new PageWriter(root, 1, done, csv);
  const newest: PublicContribution[] = [];
  for await (const rows of contributionsFrom(tx, campaignId, 1)) {
    for (const record of rows) {
      await writer.push(record);
      newest.push(record);
      if (newest.length > 10) newest.shift();
      tally(totals, record, 1);
    }
    progress('contributions', totals.count);
  }
  await writer.flush();
  await csv.close();
  return { ...totals, read: totals.count, touchedKinds: new Set(Object.keys(totals.byKind)), pages: writer.pages, index: writer.index, newest, pageFirstIds: writer.firstIds };
}

// The contributions a change since the last publish may show differently: those its entries post or
// reverse, and those it commits a new public record for (a donor's name withdrawn).
async function changedContributions(tx: Tx, after: number): Promise<{ posted: number[]; changed: number[] }> {
  const rows = await queryRows<{ id: number | string; posted: boolean }>(tx, sql`
    SELECT contribution_id AS id, true AS posted FROM journal_entries WHERE id > ${after} AND contribution_id IS NOT NULL AND kind <> 'reversal'
    UNION SELECT e2.contribution_id, false FROM journal_entries e JOIN journal_entries e2 ON e2.id = e.reverses_entry_id
      WHERE e.id > ${after} AND e2.contribution_id IS NOT NULL
    UNION SELECT subject_id, false FROM public_records WHERE entry_id > ${after} AND kind = 'contribution'`);
  return { posted: rows.filter((r) => r.posted).map((r) => Number(r.id)), changed: rows.map((r) => Number(r.id)) };
}

// The ledger continued from the last publish: new contributions go on its last page and after, a
// contribution posted with an id below the last published one (ids are reserved in blocks) re-lays every
// page from its own, and an older contribution reversed or re-recorded rewrites its own page only.
export async function exportChangedContributions(tx: Tx, campaignId: number, base: IncrementalBase, root: string, done: (file: DatasetFile) => void): Promise<LedgerDone> {
  const summary = base.summary.ledger;
  const firstIds = base.state.ledger_page_first_ids;
  const lastPage = summary.pages;
  const { posted, changed } = await changedContributions(tx, base.checkpoint.entry_count);
  const changedIds = new Set(changed);
  const touchedKinds = new Set<string>();
  // The first page laid out again from scratch: the last page, or an earlier one a late id lands in.
  let tailPage = Math.max(1, lastPage);
  for (const id of posted) tailPage = Math.min(tailPage, ledgerPageOf(firstIds, id) ?? 1);
  const isolated = [...new Set(changed.map((id) => ledgerPageOf(firstIds, id) ?? 1))].filter((p) => p < tailPage).sort((a, b) => a - b);
  const totals: ContributionTotals = {
    count: summary.contributions, cashCount: base.summary.totals.cash_contributions, labourPersonDays: base.summary.totals.labour_person_days,
    monthly: new Map(base.summary.monthly.map((m) => [m.month, { count: m.count, amountVnd: m.amount_vnd }])),
    byKind: { ...summary.by_kind }, reversed: { ...summary.reversed }, receivedByArea: new Map(),
  };
  const oldRows = async (page: number) => page > lastPage ? [] : JSON.parse(await readFile(join(base.dir, FILES.ledgerPage(page)), 'utf8')) as PublicContribution[];
  let read = 0;
  const index = summary.index.filter((entry) => entry.page < tailPage);
  const csv = await FileSink.open(root, FILES.contributionsCsv, done);
  const lines = new LineCursor(join(base.dir, FILES.contributionsCsv), true);
  await csv.write((await lines.take())!);
  const renewed = new Map<number, PublicContribution>();
  // Pages before the tail: each kept with its CSV rows, or read again when a change touched it.
  for (let page = 1; page < tailPage; page++) {
    const rowsBefore: string[] = [];
    for (let i = 0; i < LEDGER_PAGE_SIZE; i++) rowsBefore.push((await lines.take())!);
    if (!isolated.includes(page)) {
      await keep(base, root, FILES.ledgerPage(page), done);
      for (const line of rowsBefore) await csv.write(line);
      continue;
    }
    const rows = await selectContributions(tx, sql`c.campaign_id = ${campaignId} AND c.id >= ${firstIds[page - 1]!} AND c.id < ${firstIds[page]!}`, sql`ORDER BY c.id`);
    read += rows.length;
    for (const old of await oldRows(page)) tally(totals, old, -1);
    for (const record of rows) {
      tally(totals, record, 1);
      if (changedIds.has(record.id)) touchedKinds.add(record.kind);
      renewed.set(record.id, record);
      await csv.write(csvLineOf(record));
    }
    await writePage(root, page, rows, done);
    index[page - 1] = indexOf(page, rows);
  }
  // The tail: every page from tailPage on, laid out again from its first contribution.
  for (let page = tailPage; page <= lastPage; page++) for (const old of await oldRows(page)) tally(totals, old, -1);
  const writer = new PageWriter(root, tailPage, done, csv);
  const tail: PublicContribution[] = [];
  for await (const rows of contributionsFrom(tx, campaignId, lastPage === 0 ? 1 : firstIds[tailPage - 1]!)) {
    read += rows.length;
    for (const record of rows) {
      await writer.push(record);
      tally(totals, record, 1);
      if (changedIds.has(record.id)) touchedKinds.add(record.kind);
      tail.push(record);
      if (tail.length > 10) tail.shift();
    }
  }
  await writer.flush();
  await csv.close();
  const tailStart = writer.firstIds[0] ?? Number.POSITIVE_INFINITY;
  const newest = [...base.summary.newest.slice().reverse().filter((r) => r.id < tailStart).map((r) => renewed.get(r.id) ?? r), ...tail].slice(-10);
  return {
    ...totals, read, touchedKinds, pages: writer.pages, index: [...index, ...writer.index], newest,
    pageFirstIds: [...firstIds.slice(0, tailPage - 1), ...writer.firstIds],
  };
}
