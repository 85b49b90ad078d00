// What a bank transaction is, decided the same way whoever reports it (the statement import or the
// bank feed): a credit that names one pending bank pledge for its exact amount confirms it; a credit
// from Stripe or an office deposit is that movement between the fund's own accounts; the bank's
// interest goes to the general fund; a debit is the approved payment to a household it paid, or a
// bank charge; anything else is a person's call.
// Pure: the caller loads the candidates and posts the decision.
import { pledgeStatusNames } from './review-names';
import { formatVnd } from '../i18n/format';
import { hasPhrase } from './bank-layouts';
import type { StatementRow } from './bank-statement';
import type { Pledge } from './pledges';

export type ReviewReason = 'no_code' | 'multiple_codes' | 'amount_mismatch' | 'pledge_not_pending' | 'pledge_is_card' | 'posting_refused'
  | 'unmatched_debit' | 'bank_charge' | 'bank_interest' | 'stripe_payout' | 'cash_deposit';

/** An approved payment to a household that no bank row has claimed yet. */
export interface PaymentCandidate { id: number; amountVnd: number; decidedAt: Date; houseCode: string }

/** A payout or office deposit already posted that no bank row has shown yet. */
export interface TransferCandidate { id: number; kind: 'payout' | 'deposit'; reference: string; amountVnd: number; occurredAt: Date }

export type Decision =
  | { status: 'matched'; pledge: Pledge; code: string }
  /** Card money or office cash arriving: posts the movement by its reference, or claims the one posted. */
  | { status: 'transfer'; kind: 'payout' | 'deposit'; reference: string }
  | { status: 'interest' }
  | { status: 'charge' }
  | { status: 'paid'; payment: PaymentCandidate }
  | { status: 'review'; reason: ReviewReason; pledge?: Pledge; code?: string; detail: string };

// How banks word their own charges and interest in the memo (compared without case or tones).
const CHARGE_WORDS = ['phi quan ly', 'phi sms', 'phi dich vu', 'thu phi', 'phi chuyen tien', 'phi duy tri', 'vat phi', 'fee', 'service charge', 'charge'];
const INTEREST_WORDS = ['tra lai', 'lai tien gui', 'lai nhap goc', 'tien lai', 'interest'];
const PAYOUT_WORDS = ['stripe'];
const DEPOSIT_WORDS = ['nop tien mat', 'nop tm', 'tien mat nop', 'cash deposit'];
// Stripe names its payouts po_…; its bank transfer carries the id in the memo.
const PAYOUT_ID = /\bpo_[0-9A-Za-z]{8,40}\b/;

// A payout reaches the bank within days; a deposit shows the day it is made, or the next working days.
export const TRANSFER_WINDOW_MS = { before: 3 * 86_400_000, after: 10 * 86_400_000 };

// A payment leaves the bank within days of its approval: from a month before to ten days after.
const PAYMENT_WINDOW_MS = { before: 31 * 86_400_000, after: 10 * 86_400_000 };

// Never guessed: one existing code, the same amount, a pending bank pledge; a payout by its id, or a
// payout or deposit by the bank's words, the same amount and the nearest date.
export function decideCredit(
  row: Pick<StatementRow, 'creditVnd' | 'memo'> & { bookedAt?: Date }, codes: string[], pledgesByCode: Map<string, Pledge>, transfers: TransferCandidate[] = [],
): Decision {
  const known = codes.filter((code) => pledgesByCode.has(code));
  if (known.length === 0) {
    if (codes.length === 0) {
      const own = ownTransfer(row, transfers);
      if (own) return own;
      if (hasPhrase(row.memo, INTEREST_WORDS)) return { status: 'interest' };
    }
    return { status: 'review', reason: 'no_code', detail: codes.length ? `chuỗi giống mã ${codes.join(', ')} không khớp cam kết nào` : 'nội dung chuyển khoản không có mã biên nhận' };
  }
  if (known.length > 1) return { status: 'review', reason: 'multiple_codes', detail: `nhiều mã biên nhận: ${known.join(', ')}` };
  const code = known[0]!;
  const pledge = pledgesByCode.get(code)!;
  if (pledge.method !== 'bank_transfer') return { status: 'review', reason: 'pledge_is_card', pledge, code, detail: `${code} là cam kết trả bằng thẻ` };
  if (pledge.status !== 'pending') return { status: 'review', reason: 'pledge_not_pending', pledge, code, detail: `${code} đã ở trạng thái ${pledgeStatusNames[pledge.status]?.[0] ?? pledge.status}` };
  if (pledge.amountVnd !== row.creditVnd) {
    return { status: 'review', reason: 'amount_mismatch', pledge, code, detail: `${code} cam kết ${formatVnd(pledge.amountVnd)}, đã nhận ${formatVnd(row.creditVnd)}` };
  }
  return { status: 'matched', pledge, code };
}

// A credit from the fund's own accounts: a Stripe payout named by id, or one of the posted transfers
// the bank's words point to (same amount, nearest date); words without a posted transfer wait for staff.
function ownTransfer(row: Pick<StatementRow, 'creditVnd' | 'memo'> & { bookedAt?: Date }, transfers: TransferCandidate[]): Decision | undefined {
  const payoutId = PAYOUT_ID.exec(row.memo)?.[0];
  if (payoutId) return { status: 'transfer', kind: 'payout', reference: payoutId };
  const kind = hasPhrase(row.memo, PAYOUT_WORDS) ? 'payout' : hasPhrase(row.memo, DEPOSIT_WORDS) ? 'deposit' : undefined;
  if (!kind) return undefined;
  const booked = row.bookedAt?.getTime() ?? 0;
  const nearest = transfers
    .filter((t) => t.kind === kind && t.amountVnd === row.creditVnd && t.occurredAt.getTime() - booked <= TRANSFER_WINDOW_MS.before && booked - t.occurredAt.getTime() <= TRANSFER_WINDOW_MS.after)
    .sort((a, b) => Math.abs(a.occurredAt.getTime() - booked) - Math.abs(b.occurredAt.getTime() - booked) || a.id - b.id)[0];
  if (nearest) return { status: 'transfer', kind, reference: nearest.reference };
  return kind === 'payout'
    ? { status: 'review', reason: 'stripe_payout', detail: `khoản Stripe chuyển về ${formatVnd(row.creditVnd)} chưa được Stripe báo` }
    : { status: 'review', reason: 'cash_deposit', detail: `khoản nộp tiền mặt ${formatVnd(row.creditVnd)} chưa được cán bộ ghi` };
}

// House codes in a memo ("Chi tra ho BK-00012", "bk 00012"), as the site writes them.
export function houseCodesIn(memo: string): string[] {
  return [...memo.toUpperCase().matchAll(/\b([A-Z]{2})[\s-]?(\d{5})\b/g)].map((m) => `${m[1]}-${m[2]}`);
}

// The approved payment a debit paid: the same amount, approved near the day it left, and for the
// house the memo names when it names one; the nearest in time when several fit. A debit the bank
// wrote as its own charge is a charge.
export function decideDebit(row: Pick<StatementRow, 'debitVnd' | 'memo' | 'bookedAt'>, candidates: PaymentCandidate[]): Decision {
  const named = houseCodesIn(row.memo);
  const fits = candidates.filter((c) => c.amountVnd === row.debitVnd
    && row.bookedAt.getTime() - c.decidedAt.getTime() <= PAYMENT_WINDOW_MS.before
    && c.decidedAt.getTime() - row.bookedAt.getTime() <= PAYMENT_WINDOW_MS.after
    && (named.length === 0 || named.includes(c.houseCode)));
  const nearest = fits.sort((a, b) => Math.abs(a.decidedAt.getTime() - row.bookedAt.getTime()) - Math.abs(b.decidedAt.getTime() - row.bookedAt.getTime()) || a.id - b.id)[0];
  if (nearest) return { status: 'paid', payment: nearest };
  if (hasPhrase(row.memo, CHARGE_WORDS)) return { status: 'charge' };
  return { status: 'review', reason: 'unmatched_debit', detail: `không có khoản chi đã duyệt ${formatVnd(row.debitVnd)}${named.length ? ` cho ${named.join(', ')}` : ''} trong vòng một tháng trước hoặc mười ngày sau` };
}
