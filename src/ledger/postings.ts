// Builders of the journal entry for each kind of operation. They take what the caller read
// (under lock, or from memory) and return a balanced draft; they never read state themselves.
import { line, type JournalLine } from './accounts';
import type { GiftSplit, Take } from './allocation';
import { assertBalanced, type EntryDraft } from './entry';
import { LedgerRuleError } from './errors';
import type { Vnd } from './money';

export type CashChannel = 'card' | 'bank_transfer' | 'office';

const cashAccount = { card: 'cash_card', bank_transfer: 'cash_bank', office: 'cash_office' } as const;

// A negative amount would build a balanced entry that quietly undoes an earlier one: that is what a reversal is for.
function assertPositive(amountVnd: Vnd): void {
  if (!(amountVnd > 0)) {
    throw new LedgerRuleError('amount_not_positive', 'Số tiền phải lớn hơn 0.', 'The amount must be above zero.');
  }
}

function draft(kind: EntryDraft['kind'], occurredAt: Date, description: string, contributionId: number | null, lines: JournalLine[]): EntryDraft {
  const entry: EntryDraft = { kind, occurredAt, description, contributionId, reversesEntryId: null, reason: null, lines };
  assertBalanced(entry);
  return entry;
}

// A cash gift: money in, credited to the house, the commune's pool and the general fund as split.
// A card fee never reaches the fund: the split is of the net amount and the fee is its own visible pair.
export function cashGiftEntry(input: {
  contributionId: number;
  channel: CashChannel;
  split: GiftSplit;
  houseId: number | null;
  communeAreaId: number | null;
  feeVnd?: Vnd;
  occurredAt: Date;
  description: string;
}): EntryDraft {
  const { contributionId, split } = input;
  const feeVnd = input.feeVnd ?? 0;
  if (feeVnd < 0) {
    throw new LedgerRuleError('fee_negative', 'Phí thanh toán không được âm.', 'The fee cannot be negative.');
  }
  const lines = [line(cashAccount[input.channel], split.houseVnd + split.communeVnd + split.generalVnd, { contributionId })];
  if (split.houseVnd > 0) lines.push(line('house_cash', -split.houseVnd, { houseId: input.houseId, contributionId }));
  if (split.communeVnd > 0) lines.push(line('pool_commune', -split.communeVnd, { areaId: input.communeAreaId, contributionId }));
  if (split.generalVnd > 0) lines.push(line('pool_general', -split.generalVnd, { contributionId }));
  if (feeVnd > 0) {
    lines.push(line('card_fees', feeVnd, { contributionId }), line('card_fee_withheld', -feeVnd, { contributionId }));
  }
  return draft('contribution', input.occurredAt, input.description, contributionId, lines);
}

// Goods go straight to a house at their valuation; they count towards its budget.
export function inKindEntry(input: { contributionId: number; houseId: number; valueVnd: Vnd; occurredAt: Date; description: string }): EntryDraft {
  assertPositive(input.valueVnd);
  return draft('in_kind', input.occurredAt, input.description, input.contributionId, [
    line('in_kind_received', input.valueVnd, { contributionId: input.contributionId }),
    line('house_in_kind', -input.valueVnd, { houseId: input.houseId, contributionId: input.contributionId }),
  ]);
}

// Labour is recorded at an estimated value, kept on its own accounts so it never counts as money.
export function labourEntry(input: { contributionId: number; houseId: number; estimateVnd: Vnd; occurredAt: Date; description: string }): EntryDraft {
  assertPositive(input.estimateVnd);
  return draft('labour', input.occurredAt, input.description, input.contributionId, [
    line('labour_estimate', input.estimateVnd, { contributionId: input.contributionId }),
    line('house_labour', -input.estimateVnd, { houseId: input.houseId, contributionId: input.contributionId }),
  ]);
}

// State budget support is a source of a house's budget that does not pass through the fund.
export function stateBudgetEntry(input: { contributionId: number; houseId: number; amountVnd: Vnd; occurredAt: Date; description: string }): EntryDraft {
  assertPositive(input.amountVnd);
  return draft('state_budget', input.occurredAt, input.description, input.contributionId, [
    line('state_budget', input.amountVnd, { contributionId: input.contributionId }),
    line('house_state', -input.amountVnd, { houseId: input.houseId, contributionId: input.contributionId }),
  ]);
}

// Pooled money moves to a house in pairs of lines per source gift, so lineage is in the journal itself.
export function allocationEntry(input: { houseId: number; poolAreaId: number | null; takes: Take[]; occurredAt: Date; description: string }): EntryDraft {
  const poolAccount = input.poolAreaId === null ? 'pool_general' : 'pool_commune';
  const lines = input.takes.flatMap((take) => [
    line(poolAccount, take.amountVnd, { areaId: input.poolAreaId, contributionId: take.contributionId }),
    line('house_cash', -take.amountVnd, { houseId: input.houseId, contributionId: take.contributionId }),
  ]);
  return draft('allocation', input.occurredAt, input.description, null, lines);
}

// A payment to the household leaves the bank account.
export function disbursementEntry(input: { houseId: number; amountVnd: Vnd; occurredAt: Date; description: string }): EntryDraft {
  assertPositive(input.amountVnd);
  return draft('disbursement', input.occurredAt, input.description, null, [
    line('house_paid', input.amountVnd, { houseId: input.houseId }),
    line('cash_bank', -input.amountVnd),
  ]);
}

// The commune or district pays a house's state support to the household: the state's money never
// passes through the fund, so the payment discharges the state_budget account, not a cash account.
export function statePaymentEntry(input: { houseId: number; amountVnd: Vnd; occurredAt: Date; description: string }): EntryDraft {
  assertPositive(input.amountVnd);
  return draft('state_payment', input.occurredAt, input.description, null, [
    line('house_state_paid', input.amountVnd, { houseId: input.houseId }),
    line('state_budget', -input.amountVnd, { houseId: input.houseId }),
  ]);
}
