// The matching rules shared by the statement import and the bank feed, without a database.
import { describe, expect, it } from 'vitest';
import { decideCredit, decideDebit, houseCodesIn, type PaymentCandidate } from '../../src/payments/matching';
import type { Pledge } from '../../src/payments/pledges';

const at = (day: number) => new Date(Date.UTC(2024, 8, day, 3));
const payment = (id: number, amountVnd: number, day: number, houseCode: string): PaymentCandidate => ({ id, amountVnd, decidedAt: at(day), houseCode });

describe('debits', () => {
  const candidates = [payment(1, 10_000_000, 3, 'BK-00001'), payment(2, 10_000_000, 10, 'BK-00002'), payment(3, 5_000_000, 3, 'BK-00003')];

  it('pays the approved payment of the same amount nearest in time, or the house the memo names', () => {
    expect(decideDebit({ debitVnd: 10_000_000, memo: 'chi tra', bookedAt: at(9) }, candidates)).toMatchObject({ status: 'paid', payment: { id: 2 } });
    expect(decideDebit({ debitVnd: 10_000_000, memo: 'chi tra bk 00001', bookedAt: at(9) }, candidates)).toMatchObject({ status: 'paid', payment: { id: 1 } });
    expect(decideDebit({ debitVnd: 10_000_000, memo: 'chi tra BK-00003', bookedAt: at(9) }, candidates)).toMatchObject({ status: 'review', reason: 'unmatched_debit' });
  });

  it('keeps to the window: a month before to ten days after the approval', () => {
    expect(decideDebit({ debitVnd: 5_000_000, memo: 'x', bookedAt: new Date(at(3).getTime() + 31 * 86_400_000) }, candidates)).toMatchObject({ status: 'paid' });
    expect(decideDebit({ debitVnd: 5_000_000, memo: 'x', bookedAt: new Date(at(3).getTime() + 32 * 86_400_000) }, candidates)).toMatchObject({ status: 'review' });
    expect(decideDebit({ debitVnd: 5_000_000, memo: 'x', bookedAt: new Date(at(3).getTime() - 10 * 86_400_000) }, candidates)).toMatchObject({ status: 'paid' });
    expect(decideDebit({ debitVnd: 5_000_000, memo: 'x', bookedAt: new Date(at(3).getTime() - 11 * 86_400_000) }, candidates)).toMatchObject({ status: 'review' });
  });

  it('names the bank\'s own charges, and only by their words (a household named Phi is not a fee)', () => {
    expect(decideDebit({ debitVnd: 11_000, memo: 'Phí quản lý tài khoản', bookedAt: at(30) }, candidates)).toMatchObject({ reason: 'bank_charge' });
    expect(decideDebit({ debitVnd: 11_000, memo: 'SMS banking fee', bookedAt: at(30) }, candidates)).toMatchObject({ reason: 'bank_charge' });
    expect(decideDebit({ debitVnd: 11_000, memo: 'Chi tra NGUYEN VAN PHI', bookedAt: at(30) }, candidates)).toMatchObject({ reason: 'unmatched_debit' });
  });

  it('reads house codes however the memo wrote them', () => {
    expect(houseCodesIn('chi tra BK-00012, bk 00013 va BK00014')).toEqual(['BK-00012', 'BK-00013', 'BK-00014']);
  });
});

describe('credits', () => {
  const pledge = (code: string, over: Partial<Pledge> = {}) => ({ receiptCode: code, method: 'bank_transfer', status: 'pending', amountVnd: 100_000, ...over }) as Pledge;
  const byCode = new Map([['AC22222222', pledge('AC22222222')], ['AC33333333', pledge('AC33333333', { status: 'confirmed' })]]);

  it('confirms one pending pledge of the same amount; anything else is a person\'s call', () => {
    expect(decideCredit({ creditVnd: 100_000, memo: '' }, ['AC22222222'], byCode)).toMatchObject({ status: 'matched', code: 'AC22222222' });
    expect(decideCredit({ creditVnd: 90_000, memo: '' }, ['AC22222222'], byCode)).toMatchObject({ reason: 'amount_mismatch' });
    expect(decideCredit({ creditVnd: 100_000, memo: '' }, ['AC33333333'], byCode)).toMatchObject({ reason: 'pledge_not_pending' });
    expect(decideCredit({ creditVnd: 100_000, memo: '' }, ['AC22222222', 'AC33333333'], byCode)).toMatchObject({ reason: 'multiple_codes' });
    expect(decideCredit({ creditVnd: 100_000, memo: 'ung ho' }, [], byCode)).toMatchObject({ reason: 'no_code' });
    expect(decideCredit({ creditVnd: 5_432, memo: 'Trả lãi tiền gửi' }, [], byCode)).toMatchObject({ reason: 'bank_interest' });
  });
});
