// Reading HTML form fields into the shapes the domain's zod schemas expect. Pure: no I/O.
// Fields arrive as text; a field that does not parse becomes NaN or '' so that zod names it.
import { DomainError, fieldError } from '../domain/errors';
import { readTypedNumber, type NumberKind } from '../i18n/read-number';

export type Fields = Pick<FormData, 'get'>;

export function text(form: Fields, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

export function optionalText(form: Fields, name: string): string | null {
  return text(form, name) || null;
}

// What each numeric field is called in a refusal, so the message names the field in words.
const numberLabels: Record<string, [string, string]> = {
  amount: ['Số tiền', 'Amount'], budget: ['Dự toán', 'Budget'], acceptAmount: ['Số tiền chấp nhận', 'Accepted amount'],
  people: ['Số người', 'People'], days: ['Số ngày', 'Days'], members: ['Số nhân khẩu', 'Members'],
};

// A typed number read the Vietnamese way ("2.000" = 2000, "2,5" = 2.5); anything unclear is refused beside its field.
export function typedNumber(form: Fields, name: string, kind: NumberKind, label = numberLabels[name] ?? [name, name]): number {
  const reading = readTypedNumber(text(form, name), kind);
  if (!reading.ok) throw fieldError(name, `${label[0]}: ${reading.vi}.`, `${label[1]}: ${reading.en}.`);
  return reading.value;
}

// Whole đồng as staff type it: "1.500.000", "1 500 000", "1500000 ₫".
export function vnd(form: Fields, name: string, label?: [string, string]): number {
  return typedNumber(form, name, 'amount', label);
}

export function optionalVnd(form: Fields, name: string, label?: [string, string]): number | undefined {
  return text(form, name) ? vnd(form, name, label) : undefined;
}

// Quantities and days may have decimals after a comma ("2,5" days, "1,5" tấn).
export function decimal(form: Fields, name: string, label?: [string, string]): number {
  return typedNumber(form, name, 'quantity', label);
}

// Whole things people count: members, people ("1.200" people is read as twelve hundred).
export function count(form: Fields, name: string, label?: [string, string]): number {
  return typedNumber(form, name, 'count', label);
}

// Record ids in hidden fields and links: plain digits, or NaN for zod to refuse.
export function integer(form: Fields, name: string): number {
  const raw = text(form, name);
  return /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
}

export function checkbox(form: Fields, name: string): boolean {
  return form.get(name) !== null;
}

const VN_OFFSET_MS = 7 * 3_600_000;

// Today's date in Vietnam, yyyy-mm-dd.
export function todayInVietnam(now = new Date()): string {
  return new Date(now.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

const dateLabels: Record<string, [string, string]> = {
  approvedOn: ['Ngày duyệt', 'Approval date'], on: ['Ngày', 'Date'], paidOn: ['Ngày chi', 'Date paid'],
  receivedOn: ['Ngày nhận', 'Date received'], workedOn: ['Ngày làm', 'Date worked'],
};

// A date field: yyyy-mm-dd, a real calendar day, not in the future (things are recorded after they happen);
// refused beside its field, named in words.
export function pastDate(form: Fields, name: string, now = new Date()): string {
  const value = text(form, name);
  const [vi, en] = dateLabels[name] ?? ['Ngày', 'Date'];
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw fieldError(name, `${vi} không hợp lệ (dd/mm/yyyy).`, `${en} is not a valid date.`);
  }
  if (value > todayInVietnam(now)) {
    throw fieldError(name, `${vi} không được ở tương lai.`, `${en} cannot be in the future.`);
  }
  return value;
}

// The start of a Vietnamese calendar day as an instant.
export function startOfDayVn(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00+07:00`);
}

// The per-render token that makes a double-submitted form post once (its idempotency key).
export function submissionId(form: Fields): string {
  const value = text(form, 'submission');
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(value)) {
    throw new DomainError(400, 'invalid_input', 'Biểu mẫu thiếu mã gửi; hãy tải lại trang và nhập lại.', 'The form has no submission id; reload the page and try again.');
  }
  return value;
}
