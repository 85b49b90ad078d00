// The files the dataset derives from its houses and contributions (houses.csv, 360giving.json,
// areas.json, summary.json), computed once here: the publisher writes them from the database and the
// verifier recomputes them from the chain-checked houses and ledger pages, so the two cannot drift.
import { stages } from '../domain/schemas';
import { paidBySource } from '../ledger/headline';
import { csvRow } from './csv';
import { jsonArrayText } from './files';
import type {
  DatasetTotals, HouseFunding, PublicArea, PublicCampaign, PublicContribution, PublicHouse, ReportPeriod, StageCounts, Summary,
} from './format';
import { LEDGER_PAGE_SIZE } from './format';
import { grantOf } from './giving360';

/** An area as both sides know it: the database row, or an areas.json line read back. */
export interface AreaNode {
  id: number;
  code: string;
  name: string;
  level: PublicArea['level'];
  parentId: number | null;
  newCommuneName: string | null;
  newProvinceName: string | null;
}

export const FUND_NAME = 'Quỹ "Vì người nghèo"';
const VN_OFFSET_MS = 7 * 3_600_000;

export const HOUSE_CSV_HEADER = ['code', 'area_code', 'commune', 'type', 'poverty_status', 'head', 'stage', 'budget_vnd', 'allocated_vnd', 'state_budget_vnd', 'designated_vnd', 'pooled_vnd', 'in_kind_vnd', 'labour_estimate_vnd', 'labour_person_days', 'disbursed_vnd', 'state_paid_vnd', 'paid_total_vnd', ...stages.map((s) => `${s}_on`)] as const;

// One house's houses.csv row, from its houses.json line and its commune's name.
export function houseCsvRow(house: PublicHouse, communeName: string | undefined): string {
  return csvRow([
    house.code, house.area_code, communeName ?? null, house.type, house.poverty_status, house.head, house.stage,
    house.budget_vnd, house.allocated_vnd, house.funding.state_budget_vnd, house.funding.designated_vnd, house.funding.pooled_vnd,
    house.funding.in_kind_vnd, house.funding.labour_estimate_vnd, house.funding.labour_person_days, house.disbursed_vnd,
    house.paid.state_budget_vnd, house.paid.total_vnd,
    ...house.stages.map((s) => s.on),
  ]);
}

// The 360Giving grant of a house, under the campaign's fund (none while the fund gave it nothing).
export const grantOfHouse = (house: PublicHouse, campaign: PublicCampaign, communeName: string | undefined) =>
  grantOf(house, campaign, communeName, `ancu-${campaign.code}`, FUND_NAME);

/** The whole 360giving.json, for the verifier (the publisher streams the same text a grant at a time). */
export const GIVING360_WRAP: [string, string] = ['{"grants":', '}'];

// Every grant of the listed houses, as the publisher writes the file.
export function giving360Text(houses: readonly PublicHouse[], campaign: PublicCampaign, communeOf: (house: PublicHouse) => AreaNode | undefined): string {
  return jsonArrayText(houses.flatMap((h) => grantOfHouse(h, campaign, communeOf(h)?.name) ?? []), GIVING360_WRAP);
}

// Half-years from the campaign's start to its end or to today, whichever is first; each cut to the campaign.
export function reportPeriods(startsOn: string, endsOn: string, now: string): ReportPeriod[] {
  const last = [endsOn, now.slice(0, 10)].sort()[0]!;
  const periods: ReportPeriod[] = [];
  for (let year = Number(startsOn.slice(0, 4)); year <= Number(last.slice(0, 4)); year++) {
    for (const [half, from, to] of [[1, `${year}-01-01`, `${year}-06-30`], [2, `${year}-07-01`, `${year}-12-31`]] as const) {
      if (to < startsOn || from > last) continue;
      periods.push({ id: `${year}-h${half}`, from: from < startsOn ? startsOn : from, to: to > endsOn ? endsOn : to });
    }
  }
  return periods;
}

const emptyCounts = (): StageCounts => ({ total: 0, approved: 0, funded: 0, under_construction: 0, completed: 0, handed_over: 0 });
const emptyFunding = (): HouseFunding => ({ state_budget_vnd: 0, designated_vnd: 0, pooled_vnd: 0, in_kind_vnd: 0, labour_estimate_vnd: 0, labour_person_days: 0 });
type AreaHouses = Pick<PublicArea, 'houses' | 'budget_vnd' | 'allocated_vnd' | 'remaining_vnd' | 'disbursed_vnd' | 'paid' | 'funding'>;
type AreaMoney = Pick<PublicArea, 'received_vnd' | 'received_count' | 'pool_vnd'>;
const emptyAreaHouses = (): AreaHouses => ({ houses: emptyCounts(), budget_vnd: 0, allocated_vnd: 0, remaining_vnd: 0, disbursed_vnd: 0, paid: paidBySource(0, 0, 0), funding: emptyFunding() });

// The areas from a commune up to its province, the order every sum walks them in.
function* upTheTree(area: AreaNode | undefined, byId: Map<number, AreaNode>): Generator<AreaNode> {
  for (let at = area; at; at = at.parentId === null ? undefined : byId.get(at.parentId)) yield at;
}

/** What the houses add up to: by stage overall, short of money, and per area up the tree. */
export class HouseTally {
  readonly byArea = new Map<number, AreaHouses>();
  readonly all = emptyCounts();
  readonly short = { houses: 0, remaining_vnd: 0 };
  constructor(private readonly areaById: Map<number, AreaNode>) {}

  // Counts one house in the totals and in every area above its commune.
  add(house: PublicHouse, commune: AreaNode | undefined): void {
    if (house.remaining_vnd > 0) {
      this.short.houses++;
      this.short.remaining_vnd += house.remaining_vnd;
    }
    this.all.total++;
    this.all[house.stage]++;
    for (const area of upTheTree(commune, this.areaById)) {
      const agg = this.byArea.get(area.id) ?? emptyAreaHouses();
      agg.paid = paidBySource(agg.paid.cash_vnd + house.paid.cash_vnd, agg.paid.state_budget_vnd + house.paid.state_budget_vnd, agg.paid.in_kind_vnd + house.paid.in_kind_vnd);
      agg.remaining_vnd += house.remaining_vnd;
      for (const key of Object.keys(agg.funding) as (keyof HouseFunding)[]) agg.funding[key] += house.funding[key];
      agg.houses.total++;
      agg.houses[house.stage]++;
      agg.budget_vnd += house.budget_vnd;
      agg.allocated_vnd += house.allocated_vnd;
      agg.disbursed_vnd += house.disbursed_vnd;
      this.byArea.set(area.id, agg);
    }
  }
}

/** What the ledger adds up to, fed every contribution in id order: the home page's figures and the page index. */
export class ContributionTally {
  count = 0;
  cashCount = 0;
  labourPersonDays = 0;
  readonly monthly = new Map<string, { count: number; amountVnd: number }>();
  // What the ledger's rows are, so the site can say why its row count and sums differ from the headline.
  readonly byKind: Summary['ledger']['by_kind'] = { cash: 0, in_kind: 0, labour: 0, state_budget: 0 };
  readonly reversed = { count: 0, amount_vnd: 0 };
  /** Cash given to a commune or to one of its houses (not reversed), by the commune's code. */
  readonly receivedByArea = new Map<string, { count: number; amount_vnd: number }>();
  private readonly last: PublicContribution[] = [];
  readonly index: Summary['ledger']['index'] = [];

  /** The static ledger page a contribution falls on. */
  get pages(): number {
    return this.index.length;
  }

  // Counts one contribution; returns the ledger page that lists it.
  add(record: PublicContribution): number {
    if (this.count % LEDGER_PAGE_SIZE === 0) this.index.push({ page: this.index.length + 1, from: record.received_at, to: record.received_at });
    this.index.at(-1)!.to = record.received_at;
    this.count++;
    this.last.push(record);
    if (this.last.length > 10) this.last.shift();
    this.byKind[record.kind]++;
    if (record.reversed_by_entry_id !== null) {
      this.reversed.count++;
      this.reversed.amount_vnd += record.amount_vnd;
      return this.pages;
    }
    if (record.kind === 'cash') {
      this.cashCount++;
      if (record.area_code !== null) {
        const got = this.receivedByArea.get(record.area_code) ?? { count: 0, amount_vnd: 0 };
        got.count++;
        got.amount_vnd += record.amount_vnd;
        this.receivedByArea.set(record.area_code, got);
      }
      const month = new Date(Date.parse(record.received_at) + VN_OFFSET_MS).toISOString().slice(0, 7);
      const m = this.monthly.get(month) ?? { count: 0, amountVnd: 0 };
      m.count++;
      m.amountVnd += record.amount_vnd;
      this.monthly.set(month, m);
    }
    if (record.labour) this.labourPersonDays += record.labour.person_days;
    return this.pages;
  }

  /** The ten latest contributions, newest first. */
  newest(): PublicContribution[] {
    return this.last.slice().reverse();
  }
}

// Each area's money as a commune officer asks for it: cash given to it or its houses, and what its
// communes' pools still hold (`pools`: area id and what its pool_commune lines net to), summed up the tree.
export function areaMoneyOf(areaRows: readonly AreaNode[], receivedByCode: Map<string, { count: number; amount_vnd: number }>, pools: Iterable<[number, number]>): Map<number, AreaMoney> {
  const byId = new Map(areaRows.map((a) => [a.id, a]));
  const money = new Map<number, AreaMoney>();
  const add = (areaId: number, delta: Partial<AreaMoney>) => {
    for (const area of upTheTree(byId.get(areaId), byId)) {
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
  for (const [areaId, held] of pools) add(areaId, { pool_vnd: held });
  return money;
}

// areas.json's lines: each area with its houses' figures and its money.
export function publicAreas(areaRows: readonly AreaNode[], houses: HouseTally, money: Map<number, AreaMoney>): PublicArea[] {
  const codeOf = new Map(areaRows.map((a) => [a.id, a.code]));
  return areaRows.map((a): PublicArea => ({
    id: a.id, code: a.code, name: a.name, level: a.level, parent_code: a.parentId === null ? null : codeOf.get(a.parentId) ?? null,
    new_commune_name: a.newCommuneName, new_province_name: a.newProvinceName,
    ...(houses.byArea.get(a.id) ?? emptyAreaHouses()),
    ...(money.get(a.id) ?? { received_vnd: 0, received_count: 0, pool_vnd: 0 }),
  }));
}

// areas.json read back as the area tree it was written from.
export function areaNodesOf(published: readonly PublicArea[]): AreaNode[] {
  const idOf = new Map(published.map((a) => [a.code, a.id]));
  return published.map((a) => ({
    id: a.id, code: a.code, name: a.name, level: a.level, parentId: a.parent_code === null ? null : idOf.get(a.parent_code) ?? null,
    newCommuneName: a.new_commune_name, newProvinceName: a.new_province_name,
  }));
}

export interface SummaryInputs {
  generatedAt: string;
  totals: DatasetTotals;
  contributions: ContributionTally;
  houses: HouseTally;
  areaRows: readonly AreaNode[];
  entryCount: number;
  headHash: string;
  campaign: Pick<PublicCampaign, 'starts_on' | 'ends_on'>;
}

// summary.json: the home page's figures, every one from the journal's totals, the houses and the ledger.
export function summaryOf(s: SummaryInputs): Summary {
  const c = s.contributions;
  return {
    generated_at: s.generatedAt,
    totals: { ...s.totals, cash_contributions: c.cashCount, labour_person_days: c.labourPersonDays },
    houses_by_stage: s.houses.all,
    short_of_money: s.houses.short,
    monthly: [...c.monthly].sort(([a], [b]) => a.localeCompare(b)).map(([month, m]) => ({ month, count: m.count, amount_vnd: m.amountVnd })),
    districts: s.areaRows.filter((a) => a.level === 'district').map((a) => ({ code: a.code, name: a.name, houses: s.houses.byArea.get(a.id)?.houses ?? emptyCounts() })),
    newest: c.newest(),
    ledger: { contributions: c.count, pages: c.pages, page_size: LEDGER_PAGE_SIZE, index: c.index, by_kind: c.byKind, reversed: c.reversed },
    entry_count: s.entryCount,
    head_hash: s.headHash,
    reports: reportPeriods(s.campaign.starts_on, s.campaign.ends_on, s.generatedAt),
  };
}
