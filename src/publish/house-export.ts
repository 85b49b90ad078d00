// The houses of the dataset: each house's record and file with every gift that funded it, the lines of
// houses.json, houses.csv, 360giving.json, allocations.ndjson and disbursements.ndjson, and the per-area
// progress they add up to. A full publish derives every house; an incremental one only those a change touched.
import { and, asc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { queryRows, schema, type Tx } from '../../db/client';
import { stageColumn, stageOf } from '../domain/houses';
import { stages } from '../domain/schemas';
import { parsePoolKey } from '../ledger/accounts';
import { paidBySource } from '../ledger/headline';
import { csvRow } from './csv';
import { FileSink, JsonArraySink } from './files';
import {
  FILES, type DatasetFile, type HouseDetail, type HouseFunder, type HouseFunding, type PublicAllocation, type PublicArea, type PublicCampaign,
  type PublicDisbursement, type PublicHouse, type PublicStatePayment, type StageCounts,
} from './format';
import type { Grant360 } from './giving360';
import { GIVING360_WRAP, grantOfHouse, HOUSE_CSV_HEADER, houseCsvRow } from './derived';
import { photosWhere, stagesWithPhotos } from './photos';
import { publicDonorName, publicHeadName, publicItems, publicLabour } from './privacy';

const { areas, houses, households, allocations, disbursements, statePayments, journalEntries, photos } = schema;
const reversals = alias(schema.journalEntries, 'reversals');
const HOUSE_BATCH = 200;
const n = (value: unknown) => Number(value ?? 0);
const iso = (value: unknown) => new Date(value as string | Date).toISOString();


export const emptyCounts = (): StageCounts => ({ total: 0, approved: 0, funded: 0, under_construction: 0, completed: 0, handed_over: 0 });
const emptyFunding = (): HouseFunding => ({ state_budget_vnd: 0, designated_vnd: 0, pooled_vnd: 0, in_kind_vnd: 0, labour_estimate_vnd: 0, labour_person_days: 0 });
export type AreaHouses = Pick<PublicArea, 'houses' | 'budget_vnd' | 'allocated_vnd' | 'remaining_vnd' | 'disbursed_vnd' | 'paid' | 'funding'>;
export const emptyAreaHouses = (): AreaHouses => ({ houses: emptyCounts(), budget_vnd: 0, allocated_vnd: 0, remaining_vnd: 0, disbursed_vnd: 0, paid: paidBySource(0, 0, 0), funding: emptyFunding() });

/** What every house's derivation needs besides its rows. */
export interface HouseContext {
  campaign: PublicCampaign;
  areaById: Map<number, typeof areas.$inferSelect>;
  areaCode: Map<number, string>;
  areaIdByCode: Map<string, number>;
  /** The first contribution id of each ledger page, in page order: a funder's page is found by bisection, no per-gift map. */
  pages: number[];
}

/** One house as every house file shows it. */
export interface DerivedHouse {
  house: PublicHouse;
  detail: HouseDetail;
  csvLine: string;
  grant: Grant360 | undefined;
}

/** The houses' running totals: per area up the tree, all houses by stage, and those still short of money. */
export interface HouseTotals {
  byArea: Map<number, AreaHouses>;
  all: StageCounts;
  short: { houses: number; remaining_vnd: number };
}

/** Which houses a derivation reads: an id range (full publish) or the ids a change touched. */
export type HouseScope = { first: number; last: number } | { ids: number[] };
const inScope = (column: AnyPgColumn, scope: HouseScope): SQL | undefined =>
  'ids' in scope ? inArray(column, scope.ids) : and(gte(column, scope.first), lte(column, scope.last));

// The ledger page that lists a contribution: the last page whose first id is not above it.
export function ledgerPageOf(pages: number[], contributionId: number): number | null {
  let low = 0;
  let high = pages.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (pages[mid]! <= contributionId) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found < 0 ? null : found + 1;
}

// Adds a house to (sign 1) or takes it out of (sign -1) the running totals, in every area up the tree.
export function foldHouse(totals: HouseTotals, context: HouseContext, areaId: number, house: PublicHouse, sign: 1 | -1): void {
  totals.all.total += sign;
  totals.all[house.stage] += sign;
  if (house.remaining_vnd > 0) {
    totals.short.houses += sign;
    totals.short.remaining_vnd += sign * house.remaining_vnd;
  }
  for (let area = context.areaById.get(areaId); area; area = area.parentId === null ? undefined : context.areaById.get(area.parentId)) {
    const agg = totals.byArea.get(area.id) ?? emptyAreaHouses();
    agg.paid = paidBySource(agg.paid.cash_vnd + sign * house.paid.cash_vnd, agg.paid.state_budget_vnd + sign * house.paid.state_budget_vnd, agg.paid.in_kind_vnd + sign * house.paid.in_kind_vnd);
    agg.remaining_vnd += sign * house.remaining_vnd;
    for (const key of Object.keys(agg.funding) as (keyof HouseFunding)[]) agg.funding[key] += sign * house.funding[key];
    agg.houses.total += sign;
    agg.houses[house.stage] += sign;
    agg.budget_vnd += sign * house.budget_vnd;
    agg.allocated_vnd += sign * house.allocated_vnd;
    agg.disbursed_vnd += sign * house.disbursed_vnd;
    totals.byArea.set(area.id, agg);
  }
}

/** The house list files, written one house at a time in id order. */
export class HouseListSinks {
  private constructor(
    readonly list: JsonArraySink, readonly csv: FileSink, readonly grants: JsonArraySink,
    readonly allocations: FileSink, readonly disbursements: FileSink,
  ) {}

  static async open(root: string, done: (file: DatasetFile) => void): Promise<HouseListSinks> {
    const csv = await FileSink.open(root, FILES.housesCsv, done);
    await csv.write(csvRow(HOUSE_CSV_HEADER));
    return new HouseListSinks(
      await JsonArraySink.open(root, FILES.houses, done), csv, await JsonArraySink.open(root, FILES.giving360, done, GIVING360_WRAP),
      await FileSink.open(root, FILES.allocations, done), await FileSink.open(root, FILES.disbursements, done),
    );
  }

  // One derived house: its list line, CSV row, grant, allocations and payments.
  async push(derived: DerivedHouse): Promise<void> {
    for (const a of derived.detail.allocations) await this.allocations.write(`${JSON.stringify(a)}\n`);
    for (const d of derived.detail.disbursements) await this.disbursements.write(`${JSON.stringify(d)}\n`);
    await this.list.push(derived.house);
    await this.csv.write(derived.csvLine);
    if (derived.grant) await this.grants.push(derived.grant);
  }

  async close(): Promise<void> {
    await this.list.close();
    await this.csv.close();
    await this.grants.close();
    await this.allocations.close();
    await this.disbursements.close();
  }
}

// Every house of the campaign, a batch at a time (full publish).
export async function exportHouses(tx: Tx, context: HouseContext, campaignId: number, root: string, done: (file: DatasetFile) => void, progress: (what: string, done: number) => void) {
  const totals: HouseTotals = { byArea: new Map(), all: emptyCounts(), short: { houses: 0, remaining_vnd: 0 } };
  const sinks = await HouseListSinks.open(root, done);
  let count = 0;
  for (let after = 0; ;) {
    const batch = await houseRows(tx, and(eq(houses.campaignId, campaignId), sql`${houses.id} > ${after}`), HOUSE_BATCH);
    if (batch.length === 0) break;
    const derived = await deriveHouses(tx, context, batch, { first: batch[0]!.house.id, last: batch.at(-1)!.house.id });
    for (const one of derived) {
      await writeHouseFile(root, one, done);
      await sinks.push(one);
      foldHouse(totals, context, context.areaIdByCode.get(one.house.area_code)!, one.house, 1);
      count++;
    }
    after = batch.at(-1)!.house.id;
    progress('houses', count);
  }
  await sinks.close();
  return { count, read: count, ...totals };
}

export async function writeHouseFile(root: string, derived: DerivedHouse, done: (file: DatasetFile) => void): Promise<void> {
  const sink = await FileSink.open(root, FILES.house(derived.house.code), done);
  await sink.write(`${JSON.stringify(derived.detail)}\n`);
  await sink.close();
}

// The house rows with their household's published fields, in id order.
export function houseRows(tx: Tx, where: SQL | undefined, limit?: number) {
  const query = tx.select({ house: houses, headFullName: households.headFullName, headInitials: households.headInitials, publishFullName: households.publishFullName, povertyStatus: households.povertyStatus, housingNeed: households.housingNeed })
    .from(houses).innerJoin(households, eq(households.id, houses.householdId))
    .where(where).orderBy(asc(houses.id));
  return limit === undefined ? query : query.limit(limit);
}
type HouseRow = Awaited<ReturnType<typeof houseRows>>[number];

// Derives a batch of houses (in id order) with one query per kind of row for the whole batch.
export async function deriveHouses(tx: Tx, context: HouseContext, batch: HouseRow[], scope: HouseScope): Promise<DerivedHouse[]> {
  const { areaCode, areaById } = context;
  const funders = await houseFunders(tx, scope, context.pages);
  const housePhotos = await photosWhere(tx, inScope(photos.houseId, scope));
  const houseAllocations = await tx.select({ a: allocations, occurredAt: journalEntries.occurredAt, code: houses.publicCode, reversedBy: reversals.id })
    .from(allocations).innerJoin(journalEntries, eq(journalEntries.id, allocations.entryId)).innerJoin(houses, eq(houses.id, allocations.houseId))
    .leftJoin(reversals, eq(reversals.reversesEntryId, allocations.entryId))
    .where(inScope(allocations.houseId, scope)).orderBy(asc(allocations.houseId), asc(allocations.id));
  const houseDisbursements = await tx.select({ d: disbursements, code: houses.publicCode, reversedBy: reversals.id })
    .from(disbursements).innerJoin(houses, eq(houses.id, disbursements.houseId))
    .leftJoin(reversals, eq(reversals.reversesEntryId, disbursements.entryId))
    .where(and(inScope(disbursements.houseId, scope), eq(disbursements.status, 'approved')))
    .orderBy(asc(disbursements.houseId), asc(disbursements.id));
  const houseStatePayments = await tx.select({ p: statePayments, code: houses.publicCode, reversedBy: reversals.id })
    .from(statePayments).innerJoin(houses, eq(houses.id, statePayments.houseId))
    .leftJoin(reversals, eq(reversals.reversesEntryId, statePayments.entryId))
    .where(inScope(statePayments.houseId, scope))
    .orderBy(asc(statePayments.houseId), asc(statePayments.id));

  return batch.map((row): DerivedHouse => {
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
      stages: stagesWithPhotos(stages, (stage) => h[stageColumn[stage]], housePhotos.get(h.id)),
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
    const commune = areaById.get(h.areaId);
    return { house, detail, csvLine: houseCsvRow(house, commune?.name), grant: grantOfHouse(house, context.campaign, commune?.name) };
  });
}

// Lineage: the net amount each gift gave each house in scope, read from the house's journal lines.
// A line of an entry that names its contribution is the gift itself (designated); an allocation's lines carry pooled money.
async function houseFunders(tx: Tx, scope: HouseScope, pages: number[]): Promise<Map<number, (HouseFunder & { account: string })[]>> {
  const where = 'ids' in scope
    ? sql`l.house_id IN (${sql.join(scope.ids.map((id) => sql`${id}`), sql`, `)})`
    : sql`l.house_id BETWEEN ${scope.first} AND ${scope.last}`;
  const rows = await queryRows(tx, sql`
    SELECT f.house_id, f.account, f.direct, f.amount_vnd, c.id AS contribution_id, c.receipt_code, c.received_at, c.kind, c.details,
           d.display_name, d.anonymous
    FROM (
      SELECT l.house_id, l.account, l.contribution_id, (e.contribution_id IS NOT NULL) AS direct, -sum(l.amount_vnd) AS amount_vnd
      FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
      WHERE ${where}
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
      ledger_page: ledgerPageOf(pages, n(row.contribution_id)),
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
