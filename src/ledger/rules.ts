// The money rules of each operation, once, over a small state interface: the in-memory Book (demo
// data, property tests) and the database path (rows locked for a batch) both implement LedgerState
// and call these functions, so a rule cannot be computed two ways.
import { poolKey, type PoolKey } from './accounts';
import { assertDisbursable, assertPoolServes, assertWithinNeed, splitGift, takeFifo, type GiftSplit, type GiftTarget, type Lot, type Take } from './allocation';
import { describeEntry } from './descriptions';
import type { Effects } from './effects';
import { LedgerRuleError } from './errors';
import type { EntryDraft } from './entry';
import type { Vnd } from './money';
import { allocationEntry, cashGiftEntry, disbursementEntry, inKindEntry, labourEntry, stateBudgetEntry, statePaymentEntry, type CashChannel } from './postings';

export interface HouseState {
  id: number;
  code: string;
  areaId: number;
  budgetVnd: Vnd;
  allocatedVnd: Vnd;
  /** Only the payment rule reads these two. */
  cashAllocatedVnd?: Vnd;
  disbursedVnd?: Vnd;
  /** Only the state payment rule reads these two. */
  stateAllocatedVnd?: Vnd;
  statePaidVnd?: Vnd;
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

// The commune or district paying a house's state support: only support recorded for the house and not yet paid.
export function statePayment(state: Pick<LedgerState, 'house'>, input: { houseId: number; amountVnd: Vnd; occurredAt: Date; description: string }): EntryDraft {
  const house = state.house(input.houseId);
  assertStatePayable(input.amountVnd, house.stateAllocatedVnd ?? 0, house.statePaidVnd ?? 0, house.code);
  return statePaymentEntry(input);
}

// The one refusal of a state payment beyond the support recorded, shared by the rule and the counter check.
function assertStatePayable(amountVnd: Vnd, stateAllocatedVnd: Vnd, statePaidVnd: Vnd, houseCode: string): void {
  if (amountVnd > stateAllocatedVnd - statePaidVnd) {
    throw new LedgerRuleError(
      'state_overpaid',
      `Nhà ${houseCode} chỉ còn ${stateAllocatedVnd - statePaidVnd} ₫ ngân sách nhà nước chưa chi (đã ghi ${stateAllocatedVnd} ₫, đã chi ${statePaidVnd} ₫); hãy ghi khoản hỗ trợ trước.`,
      `House ${houseCode} has only ${stateAllocatedVnd - statePaidVnd} ₫ of state support not yet paid (recorded ${stateAllocatedVnd} ₫, paid ${statePaidVnd} ₫); record the support first.`,
    );
  }
}

// The state of one locked house row (the database path of the house-only rules).
export function oneHouse(house: HouseState): Pick<LedgerState, 'house'> {
  return { house: () => house };
}

export interface CounterState {
  house(houseId: number): HouseState;
  /** What is left in a pool of one gift's money. */
  lotRemainingVnd(key: PoolKey, contributionId: number): Vnd;
}

// Any entry (a reversal above all) must keep each house within its budget and above what it was given
// and paid, and each gift's money in a pool (its lot) at zero or more, so a pool (the sum of its lots)
// never goes below zero: the database CHECKs refuse the same; this gives both paths the same refusal.
export function assertEffectsAllowed(state: CounterState, effects: Effects): void {
  for (const [houseId, delta] of effects.houses) {
    const house = state.house(houseId);
    const allocated = house.allocatedVnd + delta.allocatedVnd;
    const cash = (house.cashAllocatedVnd ?? 0) + delta.cashAllocatedVnd;
    const disbursed = (house.disbursedVnd ?? 0) + delta.disbursedVnd;
    const stateAllocated = (house.stateAllocatedVnd ?? 0) + delta.stateAllocatedVnd;
    const statePaid = (house.statePaidVnd ?? 0) + delta.statePaidVnd;
    if (allocated > house.budgetVnd) assertWithinNeed(delta.allocatedVnd, house.budgetVnd - house.allocatedVnd, house.code);
    if (statePaid > stateAllocated) assertStatePayable(delta.statePaidVnd - delta.stateAllocatedVnd, house.stateAllocatedVnd ?? 0, house.statePaidVnd ?? 0, house.code);
    if (allocated < 0 || cash < 0 || cash > allocated || disbursed < 0 || stateAllocated < 0 || statePaid < 0) {
      throw new LedgerRuleError(
        'house_counter_negative',
        `Bút toán sẽ làm số liệu của nhà ${house.code} bị âm.`,
        `The entry would take house ${house.code} below what it was given or paid.`,
      );
    }
    if (disbursed > cash) {
      throw new LedgerRuleError(
        'house_overdrawn',
        `Nhà ${house.code} đã chi nhiều hơn số tiền được phân bổ; hãy đảo khoản chi trước.`,
        `House ${house.code} would have paid out more than it was given; reverse the payment first.`,
      );
    }
  }
  for (const lot of effects.lots.values()) {
    if (lot.deltaVnd < 0 && state.lotRemainingVnd(lot.poolKey, lot.contributionId) + lot.deltaVnd < 0) {
      throw new LedgerRuleError(
        'lot_spent',
        `Tiền của đóng góp #${lot.contributionId} đã được phân bổ; hãy đảo phân bổ trước.`,
        `Contribution #${lot.contributionId} has already been allocated; reverse the allocation first.`,
      );
    }
  }
}
