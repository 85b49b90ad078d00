// The review queue's reasons in Vietnamese and English, for the staff queue and the public
// reconciliation; an unknown reason shows as its code. Pure.
export const reviewReasonNames: Record<string, [string, string]> = {
  no_code: ['Không có mã biên nhận', 'No receipt code'],
  multiple_codes: ['Nhiều mã biên nhận', 'Several receipt codes'],
  amount_mismatch: ['Số tiền khác cam kết', 'Amount differs from the pledge'],
  pledge_not_pending: ['Cam kết không còn chờ tiền', 'Pledge not waiting for money'],
  pledge_is_card: ['Mã của cam kết trả bằng thẻ', 'Code of a card pledge'],
  posting_refused: ['Sổ cái từ chối', 'Ledger refused'],
  unmatched_debit: ['Khoản chi không khớp khoản chi đã duyệt', 'Debit matching no approved payment'],
  bank_charge: ['Phí ngân hàng', 'Bank charge'],
  bank_interest: ['Lãi ngân hàng', 'Bank interest'],
  stripe_payout: ['Tiền Stripe chuyển về, Stripe chưa báo', 'Stripe payout not yet reported by Stripe'],
  cash_deposit: ['Nộp tiền mặt chưa được ghi', 'Cash deposit not yet recorded by staff'],
  unknown_pledge: ['Không rõ cam kết', 'Unknown pledge'],
  currency_mismatch: ['Sai loại tiền', 'Wrong currency'],
  metadata_mismatch: ['Sai thông tin đi kèm', 'Metadata mismatch'],
  partial_refund: ['Hoàn tiền một phần', 'Partial refund'],
  partial_dispute: ['Khiếu nại một phần', 'Partial dispute'],
  dispute_won: ['Thắng khiếu nại', 'Dispute won'],
  refund_of_unposted: ['Hoàn tiền khoản chưa ghi sổ', 'Refund of an unposted payment'],
  dispute_of_unposted: ['Khiếu nại khoản chưa ghi sổ', 'Dispute of an unposted payment'],
  refund_refused_by_ledger: ['Sổ cái từ chối hoàn tiền', 'Refund refused by the ledger'],
  dispute_refused_by_ledger: ['Sổ cái từ chối khiếu nại', 'Dispute refused by the ledger'],
};

// A resolution as stored ("pledge AC…: note", "general_fund", "commune_pool Xã A: note", "note: why") in words.
export function resolutionInWords(resolution: string | null): [string, string] {
  if (!resolution) return ['', ''];
  const match = /^(pledge|general_fund|commune_pool|note)( [^:]*)?(?:: ([\s\S]*))?$/.exec(resolution);
  if (!match) return [resolution, resolution];
  const [, how, what = '', note] = match;
  const [vi, en] = how === 'pledge' ? [`Ghi cho cam kết${what}`, `Posted to pledge${what}`]
    : how === 'general_fund' ? ['Ghi vào quỹ chung', 'Posted to the general fund']
      : how === 'commune_pool' ? [`Ghi vào quỹ của${what}`, `Posted to the pool of${what}`]
        : ['Đóng, không ghi sổ', 'Closed, nothing posted'];
  return note ? [`${vi}: ${note}`, `${en}: ${note}`] : [vi, en];
}

// A pledge's state in words, for the review queue's details and refusals.
export const pledgeStatusNames: Record<string, [string, string]> = {
  pending: ['chờ tiền', 'pending'], confirmed: ['đã nhận tiền', 'confirmed'], failed: ['thất bại', 'failed'],
  refunded: ['đã hoàn tiền', 'refunded'], disputed: ['bị khiếu nại', 'disputed'], review: ['chờ đối soát', 'under review'],
};
