// What a bank transaction is, decided the same way whoever reports it (the statement import or the
// bank feed): a credit that names one pending bank pledge for its exact amount confirms it; a debit
// is the approved payment to a household it paid, or a bank charge; anything else is a person's call.
// Pure: the caller loads the candidates and posts the decision.
import { pledgeStatusNames } from './review-names';
import { formatVnd } from '../i18n/format';
import { hasPhrase } from './bank-layouts';
import type { StatementRow } from './bank-statement';
import type { Pledge } from './pledges';

export type ReviewReason = 'no_code' | 'multiple_codes' | 'amount_mismatch' | 'pledge_not_pending' | 'pledge_is_card' | 'posting_refused'
  | 'unmatched_debit' | 'bank_charge' | 'bank_interest';

/** An approved payment to a household that no bank row has claimed yet. */
export interface PaymentCandidate { id: number; amountVnd: number; decidedAt: Date; houseCode: string }

export type Decision =
  | { status: 'matched'; pledge: Pledge; code: string }
  | { status: 'paid'; payment: PaymentCandidate }
  | { status: 'review'; reason: ReviewReason; pledge?: Pledge; code?: string; detail: string };

// How banks word their own charges and interest in the memo (compared without case or tones).
const CHARGE_WORDS = ['phi quan ly', 'phi sms', 'phi dich vu', 'thu phi', 'phi chuyen tien', 'phi duy tri', 'vat phi', 'fee', 'service charge', 'charge'];
const INTEREST_WORDS = ['tra lai', 'lai tien gui', 'lai nhap goc', 'tien lai', 'interest'];

// A payment leaves the bank within days of its approval: from a month before to ten days after.
const PAYMENT_WINDOW_MS = { before: 31 * 86_400_000, after: 10 * 86_400_000 };

// Never guessed: one existing code, the same amount, a pending bank pledge.
export function decideCredit(row: Pick<StatementRow, 'creditVnd' | 'memo'>, codes: string[], pledgesByCode: Map<string, Pledge>): Decision {
  const known = codes.filter((code) => pledgesByCode.has(code));
  if (known.length === 0) {
    if (codes.length === 0 && hasPhrase(row.memo, INTEREST_WORDS)) return { status: 'review', reason: 'bank_interest', detail: 'lãi ngân hàng trả' };
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
  if (hasPhrase(row.memo, CHARGE_WORDS)) return { status: 'review', reason: 'bank_charge', detail: `phí ngân hàng ${formatVnd(row.debitVnd)}` };
  return { status: 'review', reason: 'unmatched_debit', detail: `không có khoản chi đã duyệt ${formatVnd(row.debitVnd)}${named.length ? ` cho ${named.join(', ')}` : ''} trong vòng một tháng trước hoặc mười ngày sau` };
}
