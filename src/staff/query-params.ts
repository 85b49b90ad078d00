// The query parameters each staff route reads, as zod schemas: the gate parses them before any page
// runs (a bad value is a 400, never a database error), and pages read only the parsed values.
// Parameters a route does not list are ignored. Pure: no I/O.
import { z } from 'zod';
import { freeText } from '../domain/text';
import { mailStatuses } from '../../db/schema';
import { taxCodeInput } from '../domain/donors';

/** Largest id a PostgreSQL integer column holds. */
export const DB_ID_MAX = 2_147_483_647;

// An empty parameter (a blank form field) means "not given".
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

// Decimal digits only: no "1e3", "0x10", "-0", full-width digits or values past the column's range.
export const dbId = z.string().regex(/^[1-9]\d{0,9}$/, 'Mã số phải là số nguyên dương / An id is a positive whole number')
  .transform(Number).refine((n) => n <= DB_ID_MAX, 'Mã số quá lớn / The id is too large');
export const pageNumber = z.string().regex(/^[1-9]\d{0,3}$/, 'Trang là số từ 1 đến 9999 / A page is a number from 1 to 9999').transform(Number);
export const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày có dạng yyyy-mm-dd / Dates are yyyy-mm-dd')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'Ngày không tồn tại / No such date');
export const houseCode = z.string().trim().toUpperCase().regex(/^[A-Z]{1,10}-\d{5}$/, 'Mã nhà có dạng BK-00012 / A house code looks like BK-00012');

const period = { from: optional(isoDay), to: optional(isoDay) };
const houseOnly = { house: optional(houseCode) };

export const staffQuerySchemas = {
  '/staff/login': { next: optional(z.string().max(500)) },
  '/staff/households': { q: optional(freeText(0, 100)), page: optional(pageNumber) },
  '/staff/in-kind': houseOnly,
  '/staff/labour': houseOnly,
  '/staff/state-budget': houseOnly,
  '/staff/state-payments': houseOnly,
  '/staff/allocations': { ...houseOnly, amount: optional(freeText(0, 30)), pool: optional(z.enum(['general', 'commune'])) },
  '/staff/donors': { q: optional(freeText(0, 200)) },
  '/staff/publish': { started: optional(z.enum(['now', 'again'])) },
  '/staff/disbursements': houseOnly,
  '/staff/corrections': { entry: optional(dbId), q: optional(freeText(0, 100)) },
  '/staff/report': period,
  '/staff/report.csv': period,
  '/staff/report.pdf': period,
  '/staff/audit': {
    actor: optional(freeText(0, 60)), action: optional(freeText(0, 60)), outcome: optional(z.enum(['ok', 'refused'])),
    target: optional(freeText(0, 200)), ...period,
    before: optional(z.string().regex(/^[1-9]\d{0,15}$/, 'Mã số phải là số nguyên dương / An id is a positive whole number').transform(Number)),
  },
  '/staff/mail': { status: optional(z.enum(mailStatuses)) },
  '/staff/confirmations': { taxCode: optional(taxCodeInput), year: optional(z.string().regex(/^20\d\d$/, 'Năm có dạng 2025 / A year looks like 2025').transform(Number)) },
  '/staff/feedback': { state: optional(z.enum(['open', 'answered'])) },
  '/staff/payment-reviews': {
    source: optional(z.enum(['bank', 'stripe'])), reason: optional(freeText(0, 60)), state: optional(z.enum(['open', 'resolved'])), item: optional(dbId),
  },
} satisfies Record<string, z.ZodRawShape>;

type Schemas = typeof staffQuerySchemas;
export type StaffQuery<P extends string> = P extends keyof Schemas ? z.output<z.ZodObject<Schemas[P]>> : Record<string, never>;

// The parameters a route reads, each listed once (the fuzz tests send bad values to each).
export function queryParamsOf(pattern: string): string[] {
  return Object.keys((staffQuerySchemas as Record<string, z.ZodRawShape>)[pattern] ?? {});
}

// Parses a route's query; the problems come back in Vietnamese and English when it does not parse.
export function parseStaffQuery(pattern: string, params: URLSearchParams): { ok: true; query: Record<string, unknown> } | { ok: false; vi: string; en: string } {
  const shape = (staffQuerySchemas as Record<string, z.ZodRawShape>)[pattern] ?? {};
  const raw: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = params.get(key);
    if (value !== null) raw[key] = value;
  }
  const parsed = z.object(shape).safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  const vi: string[] = [];
  const en: string[] = [];
  for (const issue of parsed.error.issues) {
    const [messageVi, messageEn = messageVi] = issue.message.split(' / ');
    vi.push(`${issue.path.join('.')}: ${messageVi}`);
    en.push(`${issue.path.join('.')}: ${messageEn}`);
  }
  return { ok: false, vi: vi.join('; '), en: en.join('; ') };
}

// Route parameters ([id]) are ids too: undefined when the text is not one.
export function parseId(text: string | undefined): number | undefined {
  const parsed = dbId.safeParse(text ?? '');
  return parsed.success ? parsed.data : undefined;
}
