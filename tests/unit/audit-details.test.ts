import { describe, expect, it } from 'vitest';
import { detailsInWords } from '../../src/staff/audit-details';

describe('audit details in words', () => {
  it('names each key in Vietnamese with the English beside, money and stages in words, never the JSON key', () => {
    const [vi, en] = detailsInWords({ entryId: 12, amountVnd: 21_500_000, stage: 'funded', role: 'approver', areaCodes: ['T-D'], replayed: false });
    expect(vi).toBe('Bút toán #12; Số tiền: 21.500.000 ₫; Giai đoạn: Đủ kinh phí; Vai trò: Người phê duyệt; Địa bàn: T-D');
    expect(en).toBe('Entry #12; Amount: 21,500,000 ₫; Stage: Funded; Role: Approver; Areas: T-D');
    expect(vi).not.toMatch(/entryId|amountVnd|funded|approver/);
  });

  it('says a resent form recorded nothing twice, leaves a refusal\'s message to the page, and keeps unknown keys readable', () => {
    expect(detailsInWords({ replayed: true })[0]).toBe('Biểu mẫu gửi lại: không ghi thêm');
    expect(detailsInWords({ code: 'out_of_scope', message: 'Địa bàn này…', messageEn: 'This area…' })).toEqual(['', '']);
    expect(detailsInWords({ first: 'BK-00001', sameAs: [] })).toEqual(['first: BK-00001', 'first: BK-00001']);
    expect(detailsInWords(null)).toEqual(['', '']);
  });
});
