// A bank row's key names the fund's account (ref:<account>:<bank ref>, or h:<account>:<digest of the row>),
// and the chain holds no account number, not even hashed: only the bank's own reference stays.
function publicBankReference(reference: string): string | null {
  if (reference.startsWith('h:')) return null;
  return reference.startsWith('ref:') ? reference.slice(reference.indexOf(':', 4) + 1) : reference;
}

/** The donor of the money the account held before the fund used An Cư: the general fund's first gift (its name is committed, and the verifier reads it). */
export const OPENING_BALANCE_DONOR = 'Số dư đầu kỳ chuyển sang / Opening balance brought forward';

// The public text of each kind of entry, built here only: it is hashed into the chain, so the
// database path and the in-memory book (demo data) must write exactly the same words.
export const describeEntry = {
  cashGift: (receiptCode: string) => `Đóng góp ${receiptCode}`,
  inKind: (receiptCode: string, houseCode: string) => `Hiện vật ${receiptCode} cho nhà ${houseCode}`,
  shipment: (receiptCode: string, houseCodes: string[], communeName: string | null) =>
    `Hiện vật ${receiptCode} cho ${[houseCodes.length ? `nhà ${houseCodes.join(', ')}` : '', communeName ? `xã ${communeName} giữ cho các nhà` : ''].filter(Boolean).join('; ')}`,
  labour: (personDays: number, receiptCode: string, houseCode: string) => `${personDays} ngày công (ước tính) ${receiptCode} cho nhà ${houseCode}`,
  stateBudget: (decisionRef: string, houseCode: string) => `Ngân sách nhà nước (${decisionRef}) cho nhà ${houseCode}`,
  allocation: (houseCode: string, decisionRef: string) => `Phân bổ cho nhà ${houseCode} theo ${decisionRef}`,
  disbursement: (houseCode: string, purpose: string) => `Chi cho hộ nhà ${houseCode}: ${purpose}`,
  payout: (payoutId: string) => `Stripe chuyển tiền thẻ về tài khoản ngân hàng (${payoutId})`,
  deposit: (slipRef: string) => `Nộp tiền mặt tại văn phòng vào tài khoản ngân hàng (${slipRef})`,
  bankCharge: (reference: string) => {
    const shown = publicBankReference(reference);
    return `Phí ngân hàng${shown ? ` (${shown})` : ''}, quỹ chung chịu`;
  },
  statePayment: (houseCode: string, documentRef: string) => `Ngân sách nhà nước đã chi cho hộ nhà ${houseCode} (${documentRef})`,
  reversal: (entryId: number) => `Đảo bút toán #${entryId}`,
  withdrawal: (receiptCode: string) => `Rút tên người đóng góp ${receiptCode} khỏi công bố`,
  houseRegistered: (houseCode: string) => `Đăng ký nhà ${houseCode}`,
  headName: (houseCode: string) => `Tên chủ hộ nhà ${houseCode} được công bố theo đồng ý của hộ`,
  consentWithdrawn: (houseCode: string) => `Hộ nhà ${houseCode} rút đồng ý công bố họ tên`,
  consentGiven: (houseCode: string) => `Hộ nhà ${houseCode} đồng ý công bố họ tên chủ hộ`,
  stage: (houseCode: string, stage: string) => `Nhà ${houseCode} đến giai đoạn "${stage}"`,
  photo: (houseCode: string, stage: string) => `Ảnh nhà ${houseCode} ở giai đoạn "${stage}"`,
} as const;
