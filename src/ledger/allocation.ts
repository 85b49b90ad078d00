import { LedgerRuleError } from './errors';
import { formatVnd, type Vnd } from './money';

export type GiftTarget = 'house' | 'commune' | 'general';

export interface GiftSplit {
  houseVnd: Vnd;
  communeVnd: Vnd;
  generalVnd: Vnd;
}

// A gift fills the chosen house up to its remaining need, then its commune's pool up to the
// commune's unmet need, and the rest goes to the general fund: no money is refused or lost.
export function splitGift(input: {
  amountVnd: Vnd;
  target: GiftTarget;
  houseRemainingVnd: Vnd;
  communeCapacityVnd: Vnd;
}): GiftSplit {
  const { amountVnd, target } = input;
  if (amountVnd <= 0) {
    throw new LedgerRuleError('amount_not_positive', 'Số tiền phải lớn hơn 0.', 'The amount must be above zero.');
  }
  const houseVnd = target === 'house' ? Math.min(amountVnd, Math.max(0, input.houseRemainingVnd)) : 0;
  const communeVnd = target === 'general' ? 0 : Math.min(amountVnd - houseVnd, Math.max(0, input.communeCapacityVnd));
  return { houseVnd, communeVnd, generalVnd: amountVnd - houseVnd - communeVnd };
}

export interface Lot {
  contributionId: number;
  remainingVnd: Vnd;
}

export interface Take {
  contributionId: number;
  amountVnd: Vnd;
}

// Pooled money is assigned oldest first, so every đồng of an allocation names the gift it came from.
export function takeFifo(lotsOldestFirst: Iterable<Lot>, amountVnd: Vnd): Take[] {
  const takes: Take[] = [];
  let left = amountVnd;
  for (const lot of lotsOldestFirst) {
    if (left === 0) break;
    const amount = Math.min(left, lot.remainingVnd);
    if (amount <= 0) continue;
    takes.push({ contributionId: lot.contributionId, amountVnd: amount });
    left -= amount;
  }
  if (left > 0) {
    throw new LedgerRuleError(
      'pool_insufficient',
      `Quỹ không đủ: còn thiếu ${formatVnd(left)}.`,
      `The pool is short by ${formatVnd(left)}.`,
    );
  }
  return takes;
}

// What an approver is offered to allocate to a house still short: its commune's pool first (that money can
// serve only the commune's houses), as much of the shortfall as the pool holds; else the shortfall from the general fund.
export function suggestedAllocation(shortVnd: Vnd, communePoolVnd: Vnd): { pool: 'commune' | 'general'; amountVnd: Vnd } {
  return communePoolVnd > 0 ? { pool: 'commune', amountVnd: Math.min(shortVnd, communePoolVnd) } : { pool: 'general', amountVnd: shortVnd };
}

// A commune's pool holds money donors gave for that commune's houses; the general fund may go anywhere.
export function assertPoolServes(poolAreaId: number | null, houseAreaId: number, houseCode: string): void {
  if (poolAreaId !== null && poolAreaId !== houseAreaId) {
    throw new LedgerRuleError(
      'pool_other_commune',
      `Quỹ của xã #${poolAreaId} chỉ dành cho các nhà trong xã đó, không cho nhà ${houseCode}.`,
      `The pool of commune #${poolAreaId} is only for houses in that commune, not house ${houseCode}.`,
    );
  }
}

// A house can take no more than its budget minus what it already has from every source.
export function assertWithinNeed(amountVnd: Vnd, remainingVnd: Vnd, houseCode: string): void {
  if (amountVnd > remainingVnd) {
    throw new LedgerRuleError(
      'over_budget',
      `Nhà ${houseCode} chỉ còn cần ${formatVnd(Math.max(0, remainingVnd))}, không thể nhận ${formatVnd(amountVnd)}.`,
      `House ${houseCode} needs only ${formatVnd(Math.max(0, remainingVnd))} more, cannot take ${formatVnd(amountVnd)}.`,
    );
  }
}

// Only money already given to a house in cash can be paid out to its household.
export function assertDisbursable(amountVnd: Vnd, cashAllocatedVnd: Vnd, disbursedVnd: Vnd, houseCode: string): void {
  const available = cashAllocatedVnd - disbursedVnd;
  if (amountVnd > available) {
    throw new LedgerRuleError(
      'over_allocation',
      `Nhà ${houseCode} chỉ còn ${formatVnd(available)} đã phân bổ chưa chi, không thể chi ${formatVnd(amountVnd)}.`,
      `House ${houseCode} has only ${formatVnd(available)} allocated and unpaid, cannot pay ${formatVnd(amountVnd)}.`,
    );
  }
}
