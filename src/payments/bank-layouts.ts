// What the five banks Fatherland Front committees use write in their statement exports: the bank's
// name in the header block, and the words of each column heading (compared without case or tones).
// Pure data and the matching over it; bank-statement.ts reads the rows.

export type BankId = 'vietcombank' | 'vietinbank' | 'bidv' | 'agribank' | 'mb';
export type Field = 'date' | 'reference' | 'debit' | 'credit' | 'amount' | 'balance' | 'memo' | 'ignore';

// A bank is named in its header block, in Vietnamese or English, or by its brand.
export const BANK_NAMES: Record<BankId, string[]> = {
  vietcombank: ['vietcombank', 'ngoai thuong viet nam', 'foreign trade of vietnam'],
  vietinbank: ['vietinbank', 'cong thuong viet nam', 'industry and trade'],
  bidv: ['bidv', 'dau tu va phat trien viet nam', 'investment and development of vietnam'],
  agribank: ['agribank', 'nong nghiep va phat trien nong thon', 'agriculture and rural development'],
  mb: ['mbbank', 'mb bank', 'quan doi', 'military commercial'],
};

// Column headings across the five banks. A heading takes the field of its longest matching phrase,
// so "Số CT / Doc No" is a reference (not "Nợ") and "STT / No." is a row number.
const HEADINGS: Record<Field, string[]> = {
  date: ['ngay giao dich', 'ngay gd', 'ngay hach toan', 'ngay hieu luc', 'ngay', 'transaction date', 'tnx date', 'txn date', 'posting date', 'effective date', 'value date', 'date'],
  reference: ['so tham chieu', 'so ct', 'so chung tu', 'so but toan', 'ma giao dich', 'ma gd', 'so giao dich', 'so gd', 'reference', 'ref no', 'doc no', 'transaction no', 'seq no', 'trace no'],
  debit: ['so tien ghi no', 'ghi no', 'phat sinh no', 'so tien no', 'tien ra', 'no', 'debit', 'withdrawal'],
  credit: ['so tien ghi co', 'ghi co', 'phat sinh co', 'so tien co', 'tien vao', 'co', 'credit', 'deposit'],
  amount: ['so tien', 'amount'],
  balance: ['so du', 'balance'],
  memo: ['noi dung chi tiet', 'noi dung giao dich', 'noi dung', 'mo ta giao dich', 'mo ta', 'dien giai', 'transactions in detail', 'transaction details', 'description', 'details', 'narrative', 'remark'],
  ignore: ['stt', 'so thu tu', 'tai khoan doi ung', 'ten tai khoan doi ung', 'ngan hang doi ung', 'doi ung', 'counter account', 'beneficiary'],
};

// Labels in the header block and the footer.
export const LABELS = {
  accountNo: ['so tai khoan', 'tai khoan so', 'so tk', 'account number', 'account no'],
  // "Số dư đầu kỳ", "Số dư đầu ngày": a label is found anywhere in a cell, so its first words suffice.
  opening: ['so du dau', 'opening balance', 'beginning balance'],
  closing: ['so du cuoi', 'closing balance', 'ending balance'],
  // Lines that are neither transactions nor broken: totals, page marks, signatures.
  footer: ['tong', 'cong phat sinh', 'total', 'so du', 'trang', 'page', 'nguoi lap', 'ke toan', 'kiem soat', 'giam doc', 'prepared by'],
};

// Headers are compared without case, tones or punctuation, so "Ngày GD/TNX Date" finds "ngay gd".
export function normalise(text: unknown): string {
  return String(text ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

// A phrase is found as whole words: "no" is in "ghi no", not in "noi dung".
export function hasPhrase(text: string, phrases: string[]): string | undefined {
  const padded = ` ${normalise(text)} `;
  return phrases.filter((p) => padded.includes(` ${p} `)).sort((a, b) => b.length - a.length)[0];
}

// The field a heading names, or null when it names none.
export function headingField(heading: unknown): Field | null {
  let best: { field: Field; length: number } | null = null;
  for (const [field, phrases] of Object.entries(HEADINGS) as [Field, string[]][]) {
    const found = hasPhrase(String(heading ?? ''), phrases);
    if (found && (!best || found.length > best.length)) best = { field, length: found.length };
  }
  return best?.field ?? null;
}

// The bank whose name appears in the header block, if any.
export function bankNamed(lines: string[]): BankId | null {
  const text = lines.join(' ');
  for (const [bank, names] of Object.entries(BANK_NAMES) as [BankId, string[]][]) {
    if (hasPhrase(text, names)) return bank;
  }
  return null;
}
