// The money rules of each operation, once, over a small state interface: the in-memory Book (demo
// data, property tests) and the database path (rows locked for a batch) both implement LedgerState
// and call these functions, so a rule cannot be computed two ways.
import { splitGift, type GiftSplit, type GiftTarget } from './allocation';
import { describeEntry } from './descriptions';
import type { EntryDraft } from './entry';
import type { Vnd } from './money';
import { cashGiftEntry, type CashChannel } from './postings';

export interface HouseState {
  id: number;
  code: string;
  areaId: number;
  budgetVnd: Vnd;
  allocatedVnd: Vnd;
}

export interface LedgerState {
  /** The house, or a refusal (each implementation says "unknown house" in its own terms). */
  house(houseId: number): HouseState;
  /** What a commune's pool may still take: its houses' unmet need less what the pool already holds. */
  communeCapacityVnd(areaId: number): Vnd;
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
export function cashGift(state: LedgerState, input: CashGiftInput): CashGift {
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
