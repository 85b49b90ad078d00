// The matching rules shared by the statement import and the bank feed, without a database.
import { describe, expect, it } from 'vitest';
import { decideCredit, decideDebit, houseCodesIn, type PaymentCandidate, type TransferCandidate } from '../../src/payments/matching';
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
    expect(decideDebit({ debitVnd: 11_000, memo: 'Phí quản lý tài khoản', bookedAt: at(30) }, candidates)).toEqual({ status: 'charge' });
    expect(decideDebit({ debitVnd: 11_000, memo: 'SMS banking fee', bookedAt: at(30) }, candidates)).toEqual({ status: 'charge' });
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
    expect(decideCredit({ creditVnd: 5_432, memo: 'Trả lãi tiền gửi' }, [], byCode)).toEqual({ status: 'interest' });
  });
});

describe('every word, every reason and every detail', () => {
  const pledge = (code: string, over: Partial<Pledge> = {}) => ({ receiptCode: code, method: 'bank_transfer', status: 'pending', amountVnd: 100_000, ...over }) as Pledge;

  it('recognises each of the banks\' words for a charge, and for interest, on its own', () => {
    for (const words of ['Phí quản lý', 'PHI SMS', 'phi dich vu', 'Thu phí', 'Phí chuyển tiền', 'phi duy tri', 'VAT phi', 'fee', 'Service charge', 'charge']) {
      expect(decideDebit({ debitVnd: 11_000, memo: `${words} T11`, bookedAt: at(30) }, []), words).toEqual({ status: 'charge' });
    }
    for (const words of ['Trả lãi', 'LAI TIEN GUI', 'Lãi nhập gốc', 'tien lai', 'Interest']) {
      expect(decideCredit({ creditVnd: 5_432, memo: `${words} T11` }, [], new Map()), words).toEqual({ status: 'interest' });
    }
  });

  it('a memo with an unknown code is never taken for interest, and known codes are told from unknown ones', () => {
    const byCode = new Map([['AC22222222', pledge('AC22222222')]]);
    expect(decideCredit({ creditVnd: 5_432, memo: 'tra lai AC99999999' }, ['AC99999999'], byCode))
      .toEqual({ status: 'review', reason: 'no_code', detail: 'chuỗi giống mã AC99999999 không khớp cam kết nào' });
    expect(decideCredit({ creditVnd: 100_000, memo: '' }, ['AC99999999', 'AC22222222'], byCode)).toMatchObject({ status: 'matched', code: 'AC22222222' });
    expect(decideCredit({ creditVnd: 1, memo: '' }, [], byCode)).toEqual({ status: 'review', reason: 'no_code', detail: 'nội dung chuyển khoản không có mã biên nhận' });
  });

  it('says why in each refusal\'s detail', () => {
    const byCode = new Map([['AC22222222', pledge('AC22222222')], ['AC44444444', pledge('AC44444444', { method: 'card' })], ['AC33333333', pledge('AC33333333', { status: 'confirmed' })]]);
    expect(decideCredit({ creditVnd: 100_000, memo: '' }, ['AC44444444'], byCode)).toMatchObject({ reason: 'pledge_is_card', code: 'AC44444444', detail: 'AC44444444 là cam kết trả bằng thẻ' });
    expect(decideCredit({ creditVnd: 100_000, memo: '' }, ['AC33333333'], byCode)).toMatchObject({ detail: 'AC33333333 đã ở trạng thái đã nhận tiền' });
    expect(decideCredit({ creditVnd: 90_000, memo: '' }, ['AC22222222'], byCode)).toMatchObject({ detail: 'AC22222222 cam kết 100.000 ₫, đã nhận 90.000 ₫' });
    expect(decideCredit({ creditVnd: 100_000, memo: '' }, ['AC22222222', 'AC33333333'], byCode)).toMatchObject({ detail: 'nhiều mã biên nhận: AC22222222, AC33333333' });
    expect(decideDebit({ debitVnd: 7_000, memo: 'chi BK-00009', bookedAt: at(3) }, [])).toMatchObject({ detail: 'không có khoản chi đã duyệt 7.000 ₫ cho BK-00009 trong vòng một tháng trước hoặc mười ngày sau' });
    expect(decideDebit({ debitVnd: 7_000, memo: 'chi', bookedAt: at(3) }, [])).toMatchObject({ detail: 'không có khoản chi đã duyệt 7.000 ₫ trong vòng một tháng trước hoặc mười ngày sau' });
  });

  it('takes the nearest approval on either side, and the older payment when two are as near', () => {
    const before = payment(5, 1_000, 8, 'BK-00005');
    const after = payment(6, 1_000, 13, 'BK-00006');
    expect(decideDebit({ debitVnd: 1_000, memo: 'x', bookedAt: at(12) }, [before, after])).toMatchObject({ payment: { id: 6 } });
    expect(decideDebit({ debitVnd: 1_000, memo: 'x', bookedAt: at(9) }, [after, before])).toMatchObject({ payment: { id: 5 } });
    expect(decideDebit({ debitVnd: 1_000, memo: 'x', bookedAt: at(10) }, [payment(8, 1_000, 9, 'BK-00008'), payment(7, 1_000, 11, 'BK-00007')])).toMatchObject({ payment: { id: 7 } });
  });
});

describe('money between the fund\'s own accounts', () => {
  const transfer = (id: number, kind: 'payout' | 'deposit', amountVnd: number, day: number): TransferCandidate => ({ id, kind, reference: `${kind}-${id}`, amountVnd, occurredAt: at(day) });

  it('a Stripe payout is known by its id in the memo, posted or not', () => {
    expect(decideCredit({ creditVnd: 9_000_000, memo: 'STRIPE PAYOUT po_1QxYz2AbCdEf ANCU', bookedAt: at(5) }, [], new Map())).toEqual({ status: 'transfer', kind: 'payout', reference: 'po_1QxYz2AbCdEf' });
  });

  it('without an id, the bank\'s words, the same amount and the nearest date name the posted transfer', () => {
    const transfers = [transfer(1, 'payout', 9_000_000, 1), transfer(2, 'payout', 9_000_000, 4), transfer(3, 'deposit', 9_000_000, 4), transfer(4, 'deposit', 2_000_000, 4)];
    expect(decideCredit({ creditVnd: 9_000_000, memo: 'Stripe transfer', bookedAt: at(5) }, [], new Map(), transfers)).toEqual({ status: 'transfer', kind: 'payout', reference: 'payout-2' });
    expect(decideCredit({ creditVnd: 9_000_000, memo: 'NOP TIEN MAT quy', bookedAt: at(5) }, [], new Map(), transfers)).toEqual({ status: 'transfer', kind: 'deposit', reference: 'deposit-3' });
    // Eleven days after: too late for that deposit; a deposit not recorded waits for staff, as does an unknown payout.
    expect(decideCredit({ creditVnd: 2_000_000, memo: 'Nộp tiền mặt', bookedAt: at(15) }, [], new Map(), transfers)).toMatchObject({ status: 'review', reason: 'cash_deposit' });
    expect(decideCredit({ creditVnd: 1_000_000, memo: 'STRIPE', bookedAt: at(5) }, [], new Map(), transfers)).toMatchObject({ status: 'review', reason: 'stripe_payout' });
    // A donor's gift of the same amount, without the bank's words, is never taken for a transfer.
    expect(decideCredit({ creditVnd: 9_000_000, memo: 'ung ho', bookedAt: at(5) }, [], new Map(), transfers)).toMatchObject({ reason: 'no_code' });
  });
});

