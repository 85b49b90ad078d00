// Recording what was given: cash (card, bank transfer, office), goods in kind, labour days, state budget.
import { eq, sql } from 'drizzle-orm';
import { queryRows, schema, type Db, type Tx } from '../../db/client';
import { poolKey } from '../ledger/accounts';
import { assertWithinNeed, splitGift, type GiftSplit } from '../ledger/allocation';
import { cashGiftEntry, inKindEntry, labourEntry, stateBudgetEntry } from '../ledger/postings';
import { newReceiptCode } from './codes';
import { resolveDonor } from './donors';
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
export async function communeCapacityVnd(tx: Tx, areaId: number): Promise<number> {
  const [row] = await queryRows<{ capacity: string | number | bigint }>(tx, sql`
    SELECT (SELECT coalesce(sum(budget_vnd - allocated_vnd), 0) FROM houses WHERE area_id = ${areaId})
         - (SELECT coalesce(sum(remaining_vnd), 0) FROM pool_lots WHERE pool_key = ${poolKey(areaId)}) AS capacity`);
  return Number(row!.capacity);
}

async function requireCommune(tx: Tx, areaId: number): Promise<void> {
  const [area] = await tx.select({ level: areas.level }).from(areas).where(eq(areas.id, areaId));
  if (!area) throw notFound(`xã #${areaId}`, `Commune #${areaId}`);
  if (area.level !== 'commune') throw new DomainError(400, 'not_a_commune', 'Chỉ có thể ủng hộ cho một xã.', 'Only a commune can be a target.');
}

async function insertContribution(tx: Tx, values: Omit<typeof contributions.$inferInsert, 'receiptCode'> & { receiptCode?: string }) {
  const [created] = await tx.insert(contributions)
    .values({ ...values, receiptCode: values.receiptCode ?? newReceiptCode() })
    .returning({ id: contributions.id, receiptCode: contributions.receiptCode });
  return created!;
}

// The request as hashed for idempotency: everything but the key itself.
function requestOf<T extends { idempotencyKey: string }>(input: T): Omit<T, 'idempotencyKey'> {
  const { idempotencyKey: _key, ...request } = input;
  return request;
}

// Confirmed cash: allocated as the donor chose, the house up to its need, overflow to the pools.
export async function recordCashContribution(db: Db, raw: unknown): Promise<Outcome<CashResult>> {
  const input = parseInput(cashContributionInput, raw);
  return runOnce(db, input.idempotencyKey, requestOf(input), async (tx) => {
    const donorId = await resolveDonor(tx, input);
    const { target } = input;
    const house = target.type === 'house' ? await lockHouse(tx, target.houseId) : undefined;
    if (target.type === 'commune') await requireCommune(tx, target.areaId);
    const communeAreaId = house?.areaId ?? (target.type === 'commune' ? target.areaId : null);
    const houseRemainingVnd = house ? house.budgetVnd - house.allocatedVnd : 0;
    const split = splitGift({
      amountVnd: input.amountVnd - input.feeVnd,
      target: target.type,
      houseRemainingVnd,
      // The house's own need is met first, so it is not room in the commune's pool.
      communeCapacityVnd: communeAreaId === null ? 0 : (await communeCapacityVnd(tx, communeAreaId)) - houseRemainingVnd,
    });
    const contribution = await insertContribution(tx, {
      receiptCode: input.receiptCode,
      campaignId: input.campaignId,
      donorId,
      kind: 'cash',
      channel: input.channel,
      amountVnd: input.amountVnd,
      targetType: target.type,
      targetHouseId: house?.id ?? null,
      targetAreaId: communeAreaId,
      receivedAt: input.receivedAt,
      details: { feeVnd: input.feeVnd, officeReceiptNo: input.officeReceiptNo ?? null },
    });
    const entry = await postEntry(tx, cashGiftEntry({
      contributionId: contribution.id,
      channel: input.channel,
      split,
      houseId: house?.id ?? null,
      communeAreaId,
      feeVnd: input.feeVnd,
      occurredAt: input.receivedAt,
      description: `Đóng góp ${contribution.receiptCode}`,
    }));
    return { contributionId: contribution.id, receiptCode: contribution.receiptCode, entryId: entry.id, entryHash: entry.hash, split, feeVnd: input.feeVnd };
  });
}

// Goods given to a house at their valuation; refused beyond the house's remaining need.
export async function recordInKind(db: Db, raw: unknown): Promise<Outcome<ContributionResult>> {
  const input = parseInput(inKindInput, raw);
  return runOnce(db, input.idempotencyKey, requestOf(input), async (tx) => {
    const donorId = await resolveDonor(tx, input);
    const house = await lockHouse(tx, input.houseId);
    const valueVnd = input.items.reduce((sum, item) => sum + item.valueVnd, 0);
    assertWithinNeed(valueVnd, house.budgetVnd - house.allocatedVnd, house.publicCode);
    const contribution = await insertContribution(tx, {
      campaignId: input.campaignId, donorId, kind: 'in_kind', channel: null, amountVnd: valueVnd,
      targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: input.receivedAt,
      details: { items: input.items },
    });
    const entry = await postEntry(tx, inKindEntry({
      contributionId: contribution.id, houseId: house.id, valueVnd, occurredAt: input.receivedAt,
      description: `Hiện vật ${contribution.receiptCode} cho nhà ${house.publicCode}`,
    }));
    return { contributionId: contribution.id, receiptCode: contribution.receiptCode, entryId: entry.id, entryHash: entry.hash };
  });
}

// Labour days at the local day rate; the value is an estimate and never counts as money.
export async function recordLabour(db: Db, raw: unknown): Promise<Outcome<ContributionResult & { estimateVnd: number }>> {
  const input = parseInput(labourInput, raw);
  return runOnce(db, input.idempotencyKey, requestOf(input), async (tx) => {
    const donorId = await resolveDonor(tx, input);
    const [house] = await tx.select({ id: houses.id, areaId: houses.areaId, publicCode: houses.publicCode, areaRate: areas.labourDayRateVnd, campaignRate: campaigns.labourDayRateVnd })
      .from(houses).innerJoin(areas, eq(areas.id, houses.areaId)).innerJoin(campaigns, eq(campaigns.id, houses.campaignId))
      .where(eq(houses.id, input.houseId));
    if (!house) throw notFound(`nhà #${input.houseId}`, `House #${input.houseId}`);
    const dayRateVnd = input.dayRateVnd ?? house.areaRate ?? house.campaignRate;
    const personDays = input.people * input.days;
    const estimateVnd = Math.round(personDays * dayRateVnd);
    const workedAt = new Date(`${input.workedOn}T00:00:00+07:00`);
    const contribution = await insertContribution(tx, {
      campaignId: input.campaignId, donorId, kind: 'labour', channel: null, amountVnd: estimateVnd,
      targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: workedAt,
      details: { organisation: input.organisation, people: input.people, days: input.days, personDays, dayRateVnd },
    });
    const entry = await postEntry(tx, labourEntry({
      contributionId: contribution.id, houseId: house.id, estimateVnd, occurredAt: workedAt,
      description: `${personDays} ngày công (ước tính) ${contribution.receiptCode} cho nhà ${house.publicCode}`,
    }));
    return { contributionId: contribution.id, receiptCode: contribution.receiptCode, entryId: entry.id, entryHash: entry.hash, estimateVnd };
  });
}

// The state budget's support for a house, recorded as a source of its budget.
export async function recordStateBudget(db: Db, raw: unknown): Promise<Outcome<ContributionResult>> {
  const input = parseInput(stateBudgetInput, raw);
  return runOnce(db, input.idempotencyKey, requestOf(input), async (tx) => {
    const house = await lockHouse(tx, input.houseId);
    assertWithinNeed(input.amountVnd, house.budgetVnd - house.allocatedVnd, house.publicCode);
    const donorId = await stateDonorId(tx);
    const contribution = await insertContribution(tx, {
      campaignId: input.campaignId, donorId, kind: 'state_budget', channel: null, amountVnd: input.amountVnd,
      targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: input.receivedAt,
      details: { programme: input.programme, decisionRef: input.decisionRef },
    });
    const entry = await postEntry(tx, stateBudgetEntry({
      contributionId: contribution.id, houseId: house.id, amountVnd: input.amountVnd, occurredAt: input.receivedAt,
      description: `Ngân sách nhà nước (${input.decisionRef}) cho nhà ${house.publicCode}`,
    }));
    return { contributionId: contribution.id, receiptCode: contribution.receiptCode, entryId: entry.id, entryHash: entry.hash };
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
