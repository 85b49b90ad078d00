// An audit line's details as a person reads them ("Bút toán #12; Số tiền: 1.000.000 ₫; Lý do: …"), in
// Vietnamese with the English beside, instead of the stored JSON keys. Pure.
import { formatCount, formatVnd } from '../i18n/format';
import { ui } from '../i18n/ui';
import { roleNames, type Role } from './permissions';

type Words = [string, string];
type Say = (value: unknown) => Words | undefined;

const same = (text: string): Words => [text, text];
const said = (value: unknown): Words => same(typeof value === 'string' ? value : JSON.stringify(value));
const numbered = (vi: string, en: string): Say => (v) => [`${vi} #${String(v)}`, `${en} #${String(v)}`];
const labelled = (vi: string, en: string, show: (v: unknown) => Words = said): Say => (v) => {
  const [valueVi, valueEn] = show(v);
  return [`${vi}: ${valueVi}`, `${en}: ${valueEn}`];
};
const money = (vi: string, en: string) => labelled(vi, en, (v) => [formatVnd(Number(v)), formatVnd(Number(v), 'en')]);
const list = (v: unknown): Words => same(Array.isArray(v) ? v.join(', ') || '—' : String(v));

const stageWords = (v: unknown): Words => {
  const stage = String(v) as keyof typeof ui.vi.stage;
  return ui.vi.stage[stage] ? [ui.vi.stage[stage], ui.en.stage[stage]] : said(v);
};

// Each key the staff actions write, in words; `message`/`messageEn` and `code` are shown by the page as the refusal itself.
const sayings: Record<string, Say> = {
  entryId: numbered('Bút toán', 'Entry'),
  reversalEntryId: numbered('Bút toán đảo', 'Reversing entry'),
  disbursementId: numbered('Khoản chi', 'Payment'),
  requestId: numbered('Yêu cầu', 'Request'),
  reviewId: numbered('Mục đối soát', 'Review item'),
  contributionId: numbered('Khoản đóng góp', 'Contribution'),
  receipt: labelled('Biên nhận', 'Receipt'),
  receiptCode: labelled('Biên nhận', 'Receipt'),
  officeReceiptNo: labelled('Biên lai', 'Office receipt'),
  house: labelled('Nhà', 'House'),
  amountVnd: money('Số tiền', 'Amount'),
  valueVnd: money('Giá trị', 'Value'),
  estimateVnd: money('Giá trị ước tính', 'Estimated value'),
  surplusVnd: money('Hàng dư cho xã giữ', 'Surplus held by the commune'),
  personDays: labelled('Ngày công', 'Labour days', (v) => [formatCount(Number(v)), formatCount(Number(v), 'en')]),
  reason: labelled('Lý do', 'Reason'),
  note: labelled('Ghi chú', 'Note'),
  whatIsWrong: labelled('Điều cần sửa', 'What is wrong'),
  role: labelled('Vai trò', 'Role', (v) => roleNames[v as Role] ?? said(v)),
  areaCodes: labelled('Địa bàn', 'Areas', list),
  stage: labelled('Giai đoạn', 'Stage', stageWords),
  method: labelled('Hình thức', 'Method', (v) => (v === 'cash' ? ['tiền mặt', 'cash'] : v === 'transfer' ? ['chuyển khoản', 'bank transfer'] : said(v))),
  receiptKind: labelled('Chứng từ', 'Proof', (v) => (v === 'photo' ? ['ảnh', 'photo'] : v === 'pdf' ? ['PDF', 'PDF'] : said(v))),
  sameAs: (v) => (Array.isArray(v) && v.length > 0 ? labelled('Trùng ảnh của nhà', 'Same picture as house', list)(v) : undefined),
  imported: labelled('Số hộ đã nhập', 'Households imported'),
  targets: labelled('Mục tiêu (nhà)', 'Targets (houses)', (v) => same(Object.entries(v as Record<string, number | null>).map(([code, n]) => `${code} ${n ?? '—'}`).join(', '))),
  replayed: (v) => (v === true ? ['Biểu mẫu gửi lại: không ghi thêm', 'Form sent again: nothing recorded twice'] : undefined),
  permission: labelled('Quyền cần có', 'Permission needed'),
  code: () => undefined,
  message: () => undefined,
  messageEn: () => undefined,
};

// The details in words, one phrase a key, in the order they were written; keys no action writes stay as they are.
export function detailsInWords(details: unknown): Words {
  if (!details || typeof details !== 'object') return ['', ''];
  const phrases = Object.entries(details as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => (sayings[key] ?? labelled(key, key))(value))
    .filter((words): words is Words => words !== undefined);
  return [phrases.map((p) => p[0]).join('; '), phrases.map((p) => p[1]).join('; ')];
}
