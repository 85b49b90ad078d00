// The money rules of each operation, once, over a small state interface: the in-memory Book (demo
// data, property tests) and the database path (rows locked for a batch) both implement LedgerState
// and call these functions, so a rule cannot be computed two ways.
import { poolKey, type PoolKey } from './accounts';
import { assertDisbursable, assertPoolServes, assertWithinNeed, splitGift, takeFifo, type GiftSplit, type GiftTarget, type Lot, type Take } from './allocation';
import { describeEntry } from './descriptions';
import type { EntryDraft } from './entry';
import type { Vnd } from './money';
import { allocationEntry, cashGiftEntry, disbursementEntry, inKindEntry, labourEntry, stateBudgetEntry, type CashChannel } from './postings';

export interface HouseState {
  id: number;
  code: string;
  areaId: number;
  budgetVnd: Vnd;
  allocatedVnd: Vnd;
  /** Only the payment rule reads these two. */
  cashAllocatedVnd?: Vnd;
  disbursedVnd?: Vnd;
}

export interface LedgerState {
  /** The house, or a refusal (each implementation says "unknown house" in its own terms). */
  house(houseId: number): HouseState;
  /** What a commune's pool may still take: its houses' unmet need less what the pool already holds. */
  communeCapacityVnd(areaId: number): Vnd;
  /** A pool's open lots, oldest first (locked, on the database path). */
  openLots(key: PoolKey): Iterable<Lot>;
}

export interface CashGiftInput {
  contributionId: number;
  receiptCode: string;
  channel: CashChannel;
  amountVnd: Vnd;
  feeVnd: Vnd;
  target: GiftTarget;
  houseId: number | null;
  /** The commune a commune gift names; for a house gift it is the house's own commune. */
  areaId: number | null;
  occurredAt: Date;
}

export interface CashGift {
  draft: EntryDraft;
  split: GiftSplit;
  houseId: number | null;
  communeAreaId: number | null;
}

// A cash gift fills the chosen house to its need, then its commune's pool to the commune's unmet
// need, the rest to the general fund; the processor's fee is split off first and shown as such.
export function cashGift(state: Pick<LedgerState, 'house' | 'communeCapacityVnd'>, input: CashGiftInput): CashGift {
  const house = input.target === 'house' && input.houseId !== null ? state.house(input.houseId) : undefined;
  const communeAreaId = input.target === 'general' ? null : house?.areaId ?? input.areaId;
  const houseRemainingVnd = house ? house.budgetVnd - house.allocatedVnd : 0;
  const split = splitGift({
    amountVnd: input.amountVnd - input.feeVnd,
    target: input.target,
    houseRemainingVnd,
    // The house's own need is met first, so it is not room in the commune's pool.
    communeCapacityVnd: communeAreaId === null ? 0 : state.communeCapacityVnd(communeAreaId) - houseRemainingVnd,
  });
  const draft = cashGiftEntry({
    contributionId: input.contributionId, channel: input.channel, split, houseId: house?.id ?? null, communeAreaId,
    feeVnd: input.feeVnd, occurredAt: input.occurredAt, description: describeEntry.cashGift(input.receiptCode),
  });
  return { draft, split, houseId: house?.id ?? null, communeAreaId };
}

interface HouseGiftInput {
  contributionId: number;
  houseId: number;
  occurredAt: Date;
  description: string;
}

// Goods go to one house at their valuation, refused beyond its remaining need.
export function inKindGift(state: Pick<LedgerState, 'house'>, input: HouseGiftInput & { valueVnd: Vnd }): EntryDraft {
  const house = state.house(input.houseId);
  assertWithinNeed(input.valueVnd, house.budgetVnd - house.allocatedVnd, house.code);
  return inKindEntry(input);
}

// State budget support counts towards a house's budget, refused beyond its remaining need.
export function stateBudgetGift(state: Pick<LedgerState, 'house'>, input: HouseGiftInput & { amountVnd: Vnd }): EntryDraft {
  const house = state.house(input.houseId);
  assertWithinNeed(input.amountVnd, house.budgetVnd - house.allocatedVnd, house.code);
  return stateBudgetEntry(input);
}

// Labour is an estimate on its own accounts: it never meets a budget, so the house need not have room.
export function labourGift(state: Pick<LedgerState, 'house'>, input: HouseGiftInput & { estimateVnd: Vnd }): EntryDraft {
  state.house(input.houseId);
  return labourEntry(input);
}

// Pooled money to a house: the pool must serve the house's commune, the house must need it, and the
// money is taken from the pool's gifts oldest first.
export function allocation(
  state: Pick<LedgerState, 'house' | 'openLots'>,
  input: { houseId: number; poolAreaId: number | null; amountVnd: Vnd; occurredAt: Date; description: string },
): { draft: EntryDraft; takes: Take[] } {
  const house = state.house(input.houseId);
  assertPoolServes(input.poolAreaId, house.areaId, house.code);
  assertWithinNeed(input.amountVnd, house.budgetVnd - house.allocatedVnd, house.code);
  const takes = takeFifo(state.openLots(poolKey(input.poolAreaId)), input.amountVnd);
  return { draft: allocationEntry({ ...input, takes }), takes };
}

// A payment to a household only from money already given to its house and not yet paid.
export function disbursement(state: Pick<LedgerState, 'house'>, input: { houseId: number; amountVnd: Vnd; occurredAt: Date; description: string }): EntryDraft {
  const house = state.house(input.houseId);
  assertDisbursable(input.amountVnd, house.cashAllocatedVnd ?? 0, house.disbursedVnd ?? 0, house.code);
  return disbursementEntry(input);
}

// The state of one locked house row (the database path of the house-only rules).
export function oneHouse(house: HouseState): Pick<LedgerState, 'house'> {
  return { house: () => house };
}
