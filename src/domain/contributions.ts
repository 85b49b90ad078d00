// Recording what was given: cash (card, bank transfer, office), goods in kind, labour days, state budget.
import { describeEntry } from '../ledger/descriptions';
import { eq, sql } from 'drizzle-orm';
import { queryRows, schema, type Db, type Tx } from '../../db/client';
import { inKindGift, labourGift, oneHouse, stateBudgetGift, type HouseState } from '../ledger/rules';
import type { EntryDraft } from '../ledger/entry';
import { newReceiptCode } from './codes';
import { findReturningDonor, type DonorRef, type ReturningDonor } from './donors';
import { notFound } from './errors';
import { contributionRecords } from './public-records';
import { PipelineFailed, postCashGift, postCashGifts, postCashGiftsIsolated, requestOf, type CashInput, type CashResult, type GiftReply } from './gift-batch';

export type { CashResult } from './gift-batch';
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

// Locks the house so that concurrent gifts see each other's allocation.
export async function lockHouse(tx: Tx, houseId: number) {
  const [house] = await tx.select().from(houses).where(eq(houses.id, houseId)).for('update');
  if (!house) throw notFound(`nhà #${houseId}`, `House #${houseId}`);
  return house;
}

// A locked house row as the ledger's rules read it.
export function houseState(house: typeof houses.$inferSelect): HouseState {
  return {
    id: house.id, code: house.publicCode, areaId: house.areaId, budgetVnd: house.budgetVnd,
    allocatedVnd: house.allocatedVnd, cashAllocatedVnd: house.cashAllocatedVnd, disbursedVnd: house.disbursedVnd,
    stateAllocatedVnd: house.stateAllocatedVnd, statePaidVnd: house.statePaidVnd,
  };
}

interface ReservedIds {
  contributionId: number;
  donorId: number | null;
}

// Ids for the rows a gift adds, taken up front so the rows can be written in the same pipeline as the entry.
export async function reserveIds(tx: Tx, newDonor: boolean): Promise<ReservedIds> {
  const [row] = await queryRows<{ contribution_id: string | number; donor_id: string | number | null }>(tx, sql`
    SELECT nextval('contributions_id_seq') AS contribution_id,
           CASE WHEN ${newDonor} THEN nextval('donors_id_seq') END AS donor_id`);
  return { contributionId: Number(row!.contribution_id), donorId: row!.donor_id === null ? null : Number(row!.donor_id) };
}

export type ContributionValues = Omit<typeof contributions.$inferInsert, 'id' | 'donorId' | 'receiptCode'> & { receiptCode?: string };

// Writes the donor (when new), the contribution and its journal entry in one pipelined round trip.
// Private donor fields stay in the donors table; an unknown donor id is refused by the foreign key.
export async function writeGift(
  tx: Tx,
  donor: DonorRef,
  ids: ReservedIds,
  values: ContributionValues,
  draft: EntryDraft,
): Promise<ContributionResult> {
  const receiptCode = values.receiptCode ?? newReceiptCode();
  // A returning donor (same tax code, phone or email) keeps one record, so lists name them once.
  const returning = 'donor' in donor ? await findReturningDonor(tx, donor.donor) : undefined;
  const donorId = 'donorId' in donor ? donor.donorId : returning?.donorId ?? ids.donorId!;
  const newDonor = 'donor' in donor && !returning ? { ...donor.donor, id: donorId, displayName: donor.donor.anonymous ? null : donor.donor.displayName } : null;
  const contribution = { ...values, id: ids.contributionId, donorId, receiptCode };
  const [record] = await contributionRecords(tx, [{ contribution, newDonor }]);
  const rows = Promise.all([
    newDonor ? tx.insert(donors).values(newDonor).then(() => undefined) : undefined,
    tx.insert(contributions).values(contribution).then(() => undefined),
  ]);
  const [, entry] = await Promise.all([rows, postEntry(tx, { ...draft, record })]);
  return { contributionId: ids.contributionId, receiptCode, entryId: entry.id, entryHash: entry.hash, ...(returning ? { returningDonor: returning } : {}) };
}

// Confirmed cash: allocated as the donor chose, the house up to its need, overflow to the pools.
// Posted through the group commit (gift-batch.ts): inside a caller's transaction it joins that one.
export async function recordCashContribution(db: Db | Tx, raw: unknown): Promise<Outcome<CashResult>> {
  const reply = await postCashGift(db, parseInput(cashContributionInput, raw));
  if (reply instanceof Error) throw reply;
  return reply;
}

// Many gifts in the caller's transaction as one batch (the bank importer): one reply per gift, a
// refusal (invalid input included) concerning that gift alone. `pipelined`: without a savepoint (two
// round trips fewer, the chain lock not held through RELEASE); a database refusal then throws
// PipelineFailed and the caller starts its transaction again without it.
export async function recordCashContributions(tx: Tx, raws: unknown[], options: { pipelined?: boolean } = {}): Promise<GiftReply[]> {
  const parsed = raws.map((raw): CashInput | Error => {
    try {
      return parseInput(cashContributionInput, raw);
    } catch (error) {
      return error as Error;
    }
  });
  const valid = parsed.filter((p): p is CashInput => !(p instanceof Error));
  // Keys must differ within a batch: a repeat goes in a second batch, where it is a replay.
  const firsts = valid.filter((p, i) => valid.findIndex((q) => q.idempotencyKey === p.idempotencyKey) === i);
  const repeats = valid.filter((p) => !firsts.includes(p));
  const replies = new Map<CashInput, GiftReply>();
  if (options.pipelined && repeats.length === 0 && valid.length > 0) {
    (await postCashGifts(tx, valid, { checkKeys: true }).catch(PipelineFailed.wrap)).forEach((reply, i) => replies.set(valid[i]!, reply));
    return parsed.map((p) => (p instanceof Error ? p : replies.get(p)!));
  }
  for (const batch of [firsts, repeats]) {
    if (batch.length === 0) continue;
    (await postCashGiftsIsolated(tx, batch)).forEach((reply, i) => replies.set(batch[i]!, reply));
  }
  return parsed.map((p) => (p instanceof Error ? p : replies.get(p)!));
}

// Goods given to a house at their valuation; refused beyond the house's remaining need.
export async function recordInKind(db: Db, raw: unknown): Promise<Outcome<ContributionResult>> {
  const input = parseInput(inKindInput, raw);
  return runOnce(db, input.idempotencyKey, requestOf(input), async (tx) => {
    const [house, ids] = await Promise.all([lockHouse(tx, input.houseId), reserveIds(tx, 'donor' in input)]);
    const valueVnd = input.items.reduce((sum, item) => sum + item.valueVnd, 0);
    const receiptCode = newReceiptCode();
    const entry = inKindGift(oneHouse(houseState(house)), {
      contributionId: ids.contributionId, houseId: house.id, valueVnd, occurredAt: input.receivedAt,
      description: describeEntry.inKind(receiptCode, house.publicCode),
    });
    return writeGift(tx, input, ids, {
      receiptCode, campaignId: input.campaignId, kind: 'in_kind', channel: null, amountVnd: valueVnd,
      targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: input.receivedAt,
      details: { items: input.items },
    }, entry);
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
    const receiptCode = newReceiptCode();
    // Labour never meets a budget: the rule needs only to know the house exists.
    const entry = labourGift(oneHouse({ id: house.id, code: house.publicCode, areaId: house.areaId, budgetVnd: 0, allocatedVnd: 0 }), {
      contributionId: ids.contributionId, houseId: house.id, estimateVnd, occurredAt: workedAt,
      description: describeEntry.labour(personDays, receiptCode, house.publicCode),
    });
    const written = await writeGift(tx, input, ids, {
      receiptCode, campaignId: input.campaignId, kind: 'labour', channel: null, amountVnd: estimateVnd,
      targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: workedAt, labourUnit: input.unit,
      details: { organisation: input.organisation, people: input.people, days: input.days, personDays, dayRateVnd },
    }, entry);
    return { ...written, estimateVnd };
  });
}

// The state budget's support for a house, recorded as a source of its budget.
export async function recordStateBudget(db: Db, raw: unknown): Promise<Outcome<ContributionResult>> {
  const input = parseInput(stateBudgetInput, raw);
  return runOnce(db, input.idempotencyKey, requestOf(input), async (tx) => {
    const [house, ids, donorId] = await Promise.all([lockHouse(tx, input.houseId), reserveIds(tx, false), stateDonorId(tx)]);
    const entry = stateBudgetGift(oneHouse(houseState(house)), {
      contributionId: ids.contributionId, houseId: house.id, amountVnd: input.amountVnd, occurredAt: input.receivedAt,
      description: describeEntry.stateBudget(input.decisionRef, house.publicCode),
    });
    return writeGift(tx, { donorId }, ids, {
      campaignId: input.campaignId, kind: 'state_budget', channel: null, amountVnd: input.amountVnd,
      targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: input.receivedAt,
      details: { programme: input.programme, decisionRef: input.decisionRef },
    }, entry);
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
