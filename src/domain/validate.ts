import type { z } from 'zod';
import { DomainError } from './errors';

// Field names people read instead of schema paths ("Điện thoại của hộ", not "household.phone"), and the
// form field each one is typed in, so a page can show the problem beside it.
const fields: Record<string, [vi: string, en: string, formField?: string]> = {
  'household.headFullName': ['Họ tên chủ hộ', 'Head of household', 'headFullName'],
  'household.nationalId': ['Số CCCD', 'National ID', 'nationalId'],
  'household.phone': ['Điện thoại của hộ', 'Household phone', 'phone'],
  'household.address': ['Địa chỉ', 'Address', 'address'],
  'household.povertyStatus': ['Diện hộ', 'Poverty status', 'povertyStatus'],
  'household.members': ['Số nhân khẩu', 'Members', 'members'],
  type: ['Loại nhà', 'House type', 'type'],
  source: ['Nguồn hỗ trợ', 'Support programme', 'source'],
  budgetVnd: ['Dự toán', 'Budget', 'budget'],
  minutesRef: ['Số biên bản', 'Minutes reference', 'minutesRef'],
  approvedOn: ['Ngày phê duyệt', 'Approved on', 'approvedOn'],
  donor: ['Người ủng hộ', 'Donor', 'donorName'],
  'donor.displayName': ['Tên công khai', 'Public name', 'donorName'],
  'donor.phone': ['Điện thoại người ủng hộ', 'Donor phone', 'donorPhone'],
  'donor.email': ['Email người ủng hộ', 'Donor email', 'donorEmail'],
  'donor.taxCode': ['Mã số thuế', 'Tax code', 'donorTaxCode'],
  'donor.kind': ['Loại người ủng hộ', 'Donor kind', 'donorKind'],
  amountVnd: ['Số tiền', 'Amount', 'amount'],
  organisation: ['Đơn vị', 'Organisation', 'organisation'],
  unit: ['Loại đơn vị', 'Kind of unit', 'unit'],
  people: ['Số người', 'People', 'people'],
  days: ['Số ngày', 'Days', 'days'],
  workedOn: ['Ngày làm', 'Worked on', 'workedOn'],
  purpose: ['Nội dung chi', 'Purpose', 'purpose'],
  decisionRef: ['Số quyết định', 'Decision reference', 'decisionRef'],
  programme: ['Chương trình', 'Programme', 'programme'],
  reason: ['Lý do', 'Reason', 'reason'],
  stage: ['Giai đoạn', 'Stage', 'stage'],
  on: ['Ngày', 'Date', 'on'],
};

// An in-kind item's fields in words, for "Dòng 2, số lượng" rather than "items.1.quantity".
const itemFields: Record<string, [string, string]> = {
  name: ['tên hàng', 'item name'], quantity: ['số lượng', 'quantity'], unit: ['đơn vị', 'unit'],
  unitPriceVnd: ['đơn giá', 'unit price'], valueVnd: ['thành tiền', 'line total'], totalVnd: ['thành tiền', 'line total'],
};

// One problem in words: schema messages are written "Vietnamese / English"; zod's own are translated.
function describe(issue: z.ZodIssue): { vi: string; en: string; formField?: string } {
  const path = issue.path.join('.');
  const item = /^items\.(\d+)\.(\w+)$/.exec(path);
  const part = item ? itemFields[item[2]!] ?? [item[2]!, item[2]!] : undefined;
  const [labelVi, labelEn, formField] = item
    ? [`Dòng ${Number(item[1]) + 1}, ${part![0]}`, `Row ${Number(item[1]) + 1}, ${part![1]}`, undefined]
    : fields[path] ?? [path || 'Dữ liệu', path || 'Input', undefined];
  let [vi, en] = issue.message.includes(' / ') ? issue.message.split(' / ') as [string, string] : [issue.message, issue.message];
  if (!issue.message.includes(' / ')) {
    if (issue.code === 'too_small' && issue.type === 'string') [vi, en] = [`quá ngắn (ít nhất ${issue.minimum} ký tự)`, `too short (at least ${issue.minimum} characters)`];
    else if (issue.code === 'too_big' && issue.type === 'string') [vi, en] = [`quá dài (tối đa ${issue.maximum} ký tự)`, `too long (at most ${issue.maximum} characters)`];
    else if (issue.code === 'too_small' || issue.code === 'too_big') [vi, en] = ['nằm ngoài giới hạn cho phép', 'is out of the allowed range'];
    else if (issue.code === 'invalid_type' && issue.received === 'undefined') [vi, en] = ['chưa nhập', 'is missing'];
    else if (issue.code === 'invalid_enum_value' || issue.code === 'invalid_type' || issue.code === 'invalid_union_discriminator') [vi, en] = ['không hợp lệ', 'is not valid'];
    else if (issue.code === 'invalid_string') [vi, en] = ['không đúng dạng', 'is not in the expected form'];
  }
  return { vi: `${labelVi}: ${vi}`, en: `${labelEn}: ${en}`, formField };
}

// Refuses malformed input as 400 with every problem listed in words, before any database work; the
// first problem's form field is named so the page can show it there.
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(describe);
  throw new DomainError(
    400,
    'invalid_input',
    `Dữ liệu không hợp lệ: ${problems.map((p) => p.vi).join('; ')}`,
    `Invalid input: ${problems.map((p) => p.en).join('; ')}`,
    { field: problems.find((p) => p.formField)?.formField, issues: parsed.error.issues },
  );
}
