// Recording what was given: cash (card, bank transfer, office), goods in kind, labour days, state budget.
import { eq, sql } from 'drizzle-orm';
import { queryRows, schema, type Db, type Tx } from '../../db/client';
import { assertWithinNeed, splitGift, type GiftSplit } from '../ledger/allocation';
import { cashGiftEntry, inKindEntry, labourEntry, stateBudgetEntry } from '../ledger/postings';
import type { EntryDraft } from '../ledger/entry';
import { newReceiptCode } from './codes';
import { findReturningDonor, type DonorRef, type ReturningDonor } from './donors';
import { DomainError, notFound } from './errors';
import { postEntry, runOnce, type Outcome } from './journal';
import { cashContributionInput, inKindInput, labourInput, stateBudgetInput } from './schemas';
import { parseInput } from './validate';

const { houses, areas, contributions, donors, campaigns } = schema;

export interface ContributionResult {
  contributionId: number;
  receiptCode: string;
  entryId: number;
  entryHash: string;
  /** Set when the gift was recorded under a donor already on record (matched privately). */
  returningDonor?: ReturningDonor;
}

export interface CashResult extends ContributionResult {
  split: GiftSplit;
  feeVnd: number;
}

// Locks the house so that concurrent gifts see each other's allocation.
export async function lockHouse(tx: Tx, houseId: number) {
  const [house] = await tx.select().from(houses).where(eq(houses.id, houseId)).for('update');
  if (!house) throw notFound(`nhà #${houseId}`, `House #${houseId}`);
  return house;
}

// A commune's pool takes overflow only up to what its houses still need beyond what it holds.
// Found from the house when the gift names one, so it can be pipelined behind the house lock.
async function communeRoom(tx: Tx, target: { houseId: number } | { areaId: number }): Promise<{ areaId: number; level: string; capacityVnd: number } | undefined> {
  const areaId = 'houseId' in target ? sql`(SELECT area_id FROM houses WHERE id = ${target.houseId})` : sql`${target.areaId}::integer`;
  const [row] = await queryRows<{ id: number; level: string; capacity: string | number | bigint }>(tx, sql`
    SELECT a.id, a.level,
      (SELECT coalesce(sum(budget_vnd - allocated_vnd), 0) FROM houses WHERE area_id = a.id)
      - (SELECT coalesce(sum(remaining_vnd), 0) FROM pool_lots WHERE pool_key = 'commune:' || a.id) AS capacity
    FROM areas a WHERE a.id = ${areaId}`);
  return row && { areaId: Number(row.id), level: row.level, capacityVnd: Number(row.capacity) };
}

interface ReservedIds {
  contributionId: number;
  donorId: number | null;
}

// Ids for the rows a gift adds, taken up front so the rows can be written in the same pipeline as the entry.
async function reserveIds(tx: Tx, newDonor: boolean): Promise<ReservedIds> {
  const [row] = await queryRows<{ contribution_id: string | number; donor_id: string | number | null }>(tx, sql`
    SELECT nextval('contributions_id_seq') AS contribution_id,
           CASE WHEN ${newDonor} THEN nextval('donors_id_seq') END AS donor_id`);
  return { contributionId: Number(row!.contribution_id), donorId: row!.donor_id === null ? null : Number(row!.donor_id) };
}

type ContributionValues = Omit<typeof contributions.$inferInsert, 'id' | 'donorId' | 'receiptCode'> & { receiptCode?: string };

// Writes the donor (when new), the contribution and its journal entry in one pipelined round trip.
// Private donor fields stay in the donors table; an unknown donor id is refused by the foreign key.
async function writeGift(
  tx: Tx,
  donor: DonorRef,
  ids: ReservedIds,
  values: ContributionValues,
  entryFor: (contributionId: number, receiptCode: string) => EntryDraft,
): Promise<ContributionResult> {
  const receiptCode = values.receiptCode ?? newReceiptCode();
  // A returning donor (same tax code, phone or email) keeps one record, so lists name them once.
  const returning = 'donor' in donor ? await findReturningDonor(tx, donor.donor) : undefined;
  const donorId = 'donorId' in donor ? donor.donorId : returning?.donorId ?? ids.donorId!;
  const rows = Promise.all([
    'donor' in donor && !returning ? tx.insert(donors).values({ ...donor.donor, id: donorId, displayName: donor.donor.anonymous ? null : donor.donor.displayName }).then(() => undefined) : undefined,
    tx.insert(contributions).values({ ...values, id: ids.contributionId, donorId, receiptCode }).then(() => undefined),
  ]);
  const [, entry] = await Promise.all([rows, postEntry(tx, entryFor(ids.contributionId, receiptCode))]);
  return { contributionId: ids.contributionId, receiptCode, entryId: entry.id, entryHash: entry.hash, ...(returning ? { returningDonor: returning } : {}) };
}

// The request as hashed for idempotency: everything but the key itself.
function requestOf<T extends { idempotencyKey: string }>(input: T): Omit<T, 'idempotencyKey'> {
  const { idempotencyKey: _key, ...request } = input;
  return request;
}

// Confirmed cash: allocated as the donor chose, the house up to its need, overflow to the pools.
export async function recordCashContribution(db: Db | Tx, raw: unknown): Promise<Outcome<CashResult>> {
  const input = parseInput(cashContributionInput, raw);
  return runOnce(db, input.idempotencyKey, requestOf(input), async (tx) => {
    const { target } = input;
    const [house, room, ids] = await Promise.all([
      target.type === 'house' ? lockHouse(tx, target.houseId) : undefined,
      target.type === 'general' ? undefined : communeRoom(tx, target),
      reserveIds(tx, 'donor' in input),
    ]);
    if (target.type === 'commune' && !room) throw notFound(`xã #${target.areaId}`, `Commune #${target.areaId}`);
    if (target.type === 'commune' && room!.level !== 'commune') {
      throw new DomainError(400, 'not_a_commune', 'Chỉ có thể ủng hộ cho một xã.', 'Only a commune can be a target.');
    }
    const communeAreaId = room?.areaId ?? null;
    const houseRemainingVnd = house ? house.budgetVnd - house.allocatedVnd : 0;
    const split = splitGift({
      amountVnd: input.amountVnd - input.feeVnd,
      target: target.type,
      houseRemainingVnd,
      // The house's own need is met first, so it is not room in the commune's pool.
      communeCapacityVnd: room ? room.capacityVnd - houseRemainingVnd : 0,
    });
    const written = await writeGift(tx, input, ids, {
      receiptCode: input.receiptCode,
      campaignId: input.campaignId,
      kind: 'cash',
      channel: input.channel,
      amountVnd: input.amountVnd,
      targetType: target.type,
      targetHouseId: house?.id ?? null,
      targetAreaId: communeAreaId,
      receivedAt: input.receivedAt,
      details: { feeVnd: input.feeVnd, officeReceiptNo: input.officeReceiptNo ?? null },
    }, (contributionId, receiptCode) => cashGiftEntry({
      contributionId,
      channel: input.channel,
      split,
      houseId: house?.id ?? null,
      communeAreaId,
      feeVnd: input.feeVnd,
      occurredAt: input.receivedAt,
      description: `Đóng góp ${receiptCode}`,
    }));
    return { ...written, split, feeVnd: input.feeVnd };
  });
}

// Goods given to a house at their valuation; refused beyond the house's remaining need.
export async function recordInKind(db: Db, raw: unknown): Promise<Outcome<ContributionResult>> {
  const input = parseInput(inKindInput, raw);
  return runOnce(db, input.idempotencyKey, requestOf(input), async (tx) => {
    const [house, ids] = await Promise.all([lockHouse(tx, input.houseId), reserveIds(tx, 'donor' in input)]);
    const valueVnd = input.items.reduce((sum, item) => sum + item.valueVnd, 0);
    assertWithinNeed(valueVnd, house.budgetVnd - house.allocatedVnd, house.publicCode);
    return writeGift(tx, input, ids, {
      campaignId: input.campaignId, kind: 'in_kind', channel: null, amountVnd: valueVnd,
      targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: input.receivedAt,
      details: { items: input.items },
    }, (contributionId, receiptCode) => inKindEntry({
      contributionId, houseId: house.id, valueVnd, occurredAt: input.receivedAt,
      description: `Hiện vật ${receiptCode} cho nhà ${house.publicCode}`,
    }));
  });
}

// Labour days at the local day rate; the value is an estimate and never counts as money.
export async function recordLabour(db: Db, raw: unknown): Promise<Outcome<ContributionResult & { estimateVnd: number }>> {
  const input = parseInput(labourInput, raw);
  return runOnce(db, input.idempotencyKey, requestOf(input), async (tx) => {
    const [[house], ids] = await Promise.all([
      tx.select({ id: houses.id, areaId: houses.areaId, publicCode: houses.publicCode, areaRate: areas.labourDayRateVnd, campaignRate: campaigns.labourDayRateVnd })
        .from(houses).innerJoin(areas, eq(areas.id, houses.areaId)).innerJoin(campaigns, eq(campaigns.id, houses.campaignId))
        .where(eq(houses.id, input.houseId)),
      reserveIds(tx, 'donor' in input),
    ]);
    if (!house) throw notFound(`nhà #${input.houseId}`, `House #${input.houseId}`);
    const dayRateVnd = input.dayRateVnd ?? house.areaRate ?? house.campaignRate;
    const personDays = input.people * input.days;
    const estimateVnd = Math.round(personDays * dayRateVnd);
    const workedAt = new Date(`${input.workedOn}T00:00:00+07:00`);
    const written = await writeGift(tx, input, ids, {
      campaignId: input.campaignId, kind: 'labour', channel: null, amountVnd: estimateVnd,
      targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: workedAt,
      details: { organisation: input.organisation, people: input.people, days: input.days, personDays, dayRateVnd },
    }, (contributionId, receiptCode) => labourEntry({
      contributionId, houseId: house.id, estimateVnd, occurredAt: workedAt,
      description: `${personDays} ngày công (ước tính) ${receiptCode} cho nhà ${house.publicCode}`,
    }));
    return { ...written, estimateVnd };
  });
}

// The state budget's support for a house, recorded as a source of its budget.
export async function recordStateBudget(db: Db, raw: unknown): Promise<Outcome<ContributionResult>> {
  const input = parseInput(stateBudgetInput, raw);
  return runOnce(db, input.idempotencyKey, requestOf(input), async (tx) => {
    const [house, ids, donorId] = await Promise.all([lockHouse(tx, input.houseId), reserveIds(tx, false), stateDonorId(tx)]);
    assertWithinNeed(input.amountVnd, house.budgetVnd - house.allocatedVnd, house.publicCode);
    return writeGift(tx, { donorId }, ids, {
      campaignId: input.campaignId, kind: 'state_budget', channel: null, amountVnd: input.amountVnd,
      targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: input.receivedAt,
      details: { programme: input.programme, decisionRef: input.decisionRef },
    }, (contributionId) => stateBudgetEntry({
      contributionId, houseId: house.id, amountVnd: input.amountVnd, occurredAt: input.receivedAt,
      description: `Ngân sách nhà nước (${input.decisionRef}) cho nhà ${house.publicCode}`,
    }));
  });
}

export const STATE_DONOR_NAME = 'Ngân sách nhà nước';

// One donor row stands for the state budget.
async function stateDonorId(tx: Tx): Promise<number> {
  const [found] = await tx.select({ id: donors.id }).from(donors).where(eq(donors.kind, 'state')).limit(1);
  if (found) return found.id;
  const [created] = await tx.insert(donors).values({ kind: 'state', displayName: STATE_DONOR_NAME }).returning({ id: donors.id });
  return created!.id;
}
