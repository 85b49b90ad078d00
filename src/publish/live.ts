// The two live public reads over the database, through the same privacy filter as the dataset:
// searching the ledger, and following one receipt code to its journal entry and the houses it paid for.
import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, schema, type Db } from '../../db/client';
import { loadEntry } from '../domain/corrections';
import { stageColumn, stageOf } from '../domain/houses';
import { MAX_AMOUNT_VND, stages } from '../domain/schemas';
import { DomainError, notFound } from '../domain/errors';
import { freeText } from '../domain/text';
import { recordOfEntry, type JournalRecord } from './chain';
import { selectContributions } from './contribution-rows';
import { photosOfHouses, stagesWithPhotos } from './photos';
import { LEDGER_PAGE_SIZE, type HouseStage, type PublicContribution } from './format';
import { publicDonorName } from './privacy';
import { pledgeView } from '../payments/pledges';

export const SEARCH_PAGE_SIZE = 50;

// Like the domain's parseInput, but each language gets only its half of the "vi / en" messages and
// an unknown parameter is named, since these answers go straight to the public.
export function parseQuery<S extends z.ZodTypeAny>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const vi: string[] = [];
  const en: string[] = [];
  for (const issue of parsed.error.issues) {
    const [messageVi, messageEn = messageVi] = issue.message.split(' / ');
    const where = issue.code === 'unrecognized_keys' ? `${issue.keys.join(', ')}: ` : issue.path.length ? `${issue.path.join('.')}: ` : '';
    vi.push(`${where}${messageVi}`);
    en.push(`${where}${messageEn}`);
  }
  throw new DomainError(400, 'invalid_query', `Yêu cầu không hợp lệ: ${vi.join('; ')}.`, `Invalid request: ${en.join('; ')}.`, parsed.error.issues);
}

// Form fields arrive as strings and an empty field means "not given".
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày phải có dạng yyyy-mm-dd / Dates are yyyy-mm-dd')
  .refine((d) => new Date(Date.parse(`${d}T00:00:00Z`) || 0).toISOString().startsWith(d), 'Ngày không tồn tại / No such date');
// "1.000.000", "1 000 000" and "1000000" are the same amount.
const amount = z.preprocess((v) => (typeof v === 'string' ? Number(v.replace(/[.\s₫]/g, '')) : v),
  z.number({ invalid_type_error: 'Số tiền phải là số / The amount must be a number' })
    .int('Số tiền phải là số đồng nguyên / The amount must be whole đồng')
    .positive('Số tiền phải lớn hơn 0 / The amount must be above zero')
    .max(MAX_AMOUNT_VND, 'Số tiền quá lớn / The amount is too large'));
export const receiptCode = z.string({ required_error: 'Cần mã biên nhận / A receipt code is required', invalid_type_error: 'Mã biên nhận phải là chữ / A receipt code is text' }).trim().toUpperCase()
  .regex(/^[0-9A-Z-]{3,40}$/, 'Mã biên nhận chỉ gồm chữ, số và dấu gạch (3–40 ký tự) / A receipt code is 3–40 letters, digits or dashes');

export const searchQuery = z.object({
  q: optional(freeText(2, 100, { tooShort: 'Tên cần ít nhất 2 ký tự / A name needs at least 2 characters', tooLong: 'Tên quá dài / The name is too long' })),
  code: optional(receiptCode),
  amount: optional(amount),
  min: optional(amount),
  max: optional(amount),
  from: optional(isoDay),
  to: optional(isoDay),
  page: optional(z.coerce.number({ invalid_type_error: 'Trang phải là số / The page must be a number' }).int().min(1).max(1000)),
  lang: optional(z.enum(['vi', 'en'])),
}).strict('tham số không được hỗ trợ (dùng q, code, amount, min, max, from, to, page, lang) / unsupported parameter (use q, code, amount, min, max, from, to, page, lang)')
  .refine((s) => s.q || s.code || s.amount || s.min || s.max || s.from || s.to, 'Cần ít nhất một điều kiện tìm kiếm / Give at least one search criterion')
  .refine((s) => !s.from || !s.to || s.from <= s.to, 'Ngày bắt đầu phải trước ngày kết thúc / "from" must not be after "to"')
  .refine((s) => !s.min || !s.max || s.min <= s.max, 'Số tiền tối thiểu phải nhỏ hơn tối đa / "min" must not be above "max"');

const LETTERS = 'àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ';
const FOLD_FROM = LETTERS + LETTERS.toUpperCase();
// Each accented letter's base letter, so "nguyen van" finds "Nguyễn Văn" whatever the database's locale.
const FOLD_TO = [...FOLD_FROM].map((c) => foldVietnamese(c)).join('');

export function foldVietnamese(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
// Vietnam is UTC+7 all year: a day is from its midnight there to the next.
const vnMidnight = (day: string, plusDays = 0) => new Date(Date.parse(`${day}T00:00:00+07:00`) + plusDays * 86_400_000);

export interface SearchResult {
  total: number;
  page: number;
  per_page: number;
  results: PublicContribution[];
  area_names: Record<string, string>;
}

// Newest first; a name matches only a donor's chosen public display name, never an anonymous donor.
export async function searchContributions(db: Db, raw: unknown): Promise<SearchResult> {
  const query = parseQuery(searchQuery, raw);
  const conditions: SQL[] = [sql`true`];
  if (query.q) {
    const folded = likeEscape(foldVietnamese(query.q));
    // translate() is slow row by row, so a cheap ILIKE on the name's skeleton (each letter that has accented
    // forms left open) picks the candidates first; CASE makes sure it runs first.
    const skeleton = folded.replace(/[aeiouyd]/g, '_');
    conditions.push(sql`d.anonymous = false AND CASE WHEN d.display_name ILIKE ${`%${skeleton}%`}
      THEN lower(translate(d.display_name, ${FOLD_FROM}, ${FOLD_TO})) LIKE ${`%${folded}%`} ELSE false END`);
  }
  if (query.code) conditions.push(sql`c.receipt_code LIKE ${`${likeEscape(query.code)}%`}`);
  if (query.amount) conditions.push(sql`c.amount_vnd = ${query.amount}`);
  if (query.min) conditions.push(sql`c.amount_vnd >= ${query.min}`);
  if (query.max) conditions.push(sql`c.amount_vnd <= ${query.max}`);
  if (query.from) conditions.push(sql`c.received_at >= ${vnMidnight(query.from).toISOString()}::timestamptz`);
  if (query.to) conditions.push(sql`c.received_at < ${vnMidnight(query.to, 1).toISOString()}::timestamptz`);
  const where = sql.join(conditions, sql` AND `);
  const page = query.page ?? 1;
  const [counted] = await queryRows<{ n: string | number }>(db, sql`SELECT count(*) AS n FROM contributions c JOIN donors d ON d.id = c.donor_id WHERE ${where}`);
  const results = await selectContributions(db, where, sql`ORDER BY c.id DESC LIMIT ${SEARCH_PAGE_SIZE} OFFSET ${(page - 1) * SEARCH_PAGE_SIZE}`);
  return { total: Number(counted!.n), page, per_page: SEARCH_PAGE_SIZE, results, area_names: await areaNames(db, results.map((r) => r.area_code)) };
}

async function areaNames(db: Db, codes: (string | null)[]): Promise<Record<string, string>> {
  const wanted = [...new Set(codes.filter((c): c is string => c !== null))];
  if (wanted.length === 0) return {};
  const rows = await db.select({ code: schema.areas.code, name: schema.areas.name }).from(schema.areas).where(inArray(schema.areas.code, wanted));
  return Object.fromEntries(rows.map((r) => [r.code, r.name]));
}

export interface ReceiptHouse {
  code: string;
  commune: string;
  stage: (typeof stages)[number];
  stages: HouseStage[];
  amount_vnd: number;
  via: 'designated' | 'pool' | null;
}

export interface ReceiptLookup {
  contribution: PublicContribution;
  /** Where the gift sits in the static ledger once published. */
  ledger_page: number;
  entry: JournalRecord | null;
  entry_lines: { account: string; house_code: string | null; area_code: string | null; amount_vnd: number }[];
  houses: ReceiptHouse[];
  /** What of the gift is still in a fund, waiting to be allocated to a house. */
  in_pool_vnd: number;
  area_names: Record<string, string>;
}

const lookupQuery = z.object({ code: receiptCode, lang: optional(z.enum(['vi', 'en'])) })
  .strict('tham số không được hỗ trợ (chỉ nhận code và lang) / unsupported parameter (only code and lang are accepted)');

// Follows a receipt code through the journal: its own entry, then every house line that carries it.
export async function lookupReceipt(db: Db, raw: unknown): Promise<ReceiptLookup> {
  const { code } = parseQuery(lookupQuery, raw);
  const [contribution] = await selectContributions(db, sql`c.receipt_code = ${code}`, sql`LIMIT 1`);
  if (!contribution) throw notFound(`khoản đóng góp có mã ${code}`, `A contribution with receipt code ${code}`);
  const [position] = await queryRows<{ n: string | number }>(db, sql`
    SELECT count(*) AS n FROM contributions WHERE campaign_id = (SELECT campaign_id FROM contributions WHERE id = ${contribution.id}) AND id <= ${contribution.id}`);
  const entry = contribution.entry_id === null ? undefined : await loadEntry(db, contribution.entry_id);
  const houseRows = await queryRows(db, sql`
    SELECT l.house_id, (e.contribution_id IS NOT NULL AND l.account = 'house_cash') AS direct, l.account, -sum(l.amount_vnd) AS amount_vnd
    FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
    WHERE l.contribution_id = ${contribution.id} AND l.account IN ('house_cash', 'house_in_kind', 'house_state', 'house_labour')
    GROUP BY l.house_id, direct, l.account HAVING sum(l.amount_vnd) <> 0 ORDER BY l.house_id`);
  const [pool] = await queryRows<{ held: string | number | null }>(db, sql`
    SELECT -sum(amount_vnd) AS held FROM journal_lines WHERE contribution_id = ${contribution.id} AND account IN ('pool_general', 'pool_commune')`);
  const houseIds = [...new Set([...houseRows.map((r) => Number(r.house_id)), ...(entry?.lines.map((l) => l.houseId).filter((h): h is number => h !== null) ?? [])])];
  const houseInfo = houseIds.length === 0 ? [] : await db.select({ house: schema.houses, commune: schema.areas.name })
    .from(schema.houses).innerJoin(schema.areas, eq(schema.areas.id, schema.houses.areaId))
    .where(inArray(schema.houses.id, houseIds)).orderBy(asc(schema.houses.id));
  const byId = new Map(houseInfo.map((h) => [h.house.id, h]));
  const photos = await photosOfHouses(db, houseIds);
  const areaIds = [...new Set(entry?.lines.map((l) => l.areaId).filter((a): a is number => a !== null) ?? [])];
  const areaCodes = new Map((areaIds.length === 0 ? [] : await db.select({ id: schema.areas.id, code: schema.areas.code }).from(schema.areas).where(inArray(schema.areas.id, areaIds))).map((a) => [a.id, a.code]));
  return {
    contribution,
    ledger_page: Math.ceil(Number(position!.n) / LEDGER_PAGE_SIZE),
    entry: entry ? recordOfEntry(entry) : null,
    entry_lines: entry?.lines.map((l) => ({
      account: l.account, house_code: l.houseId === null ? null : byId.get(l.houseId)?.house.publicCode ?? null,
      area_code: l.areaId === null ? null : areaCodes.get(l.areaId) ?? null, amount_vnd: l.amountVnd,
    })) ?? [],
    houses: houseRows.map((r) => {
      const { house, commune } = byId.get(Number(r.house_id))!;
      return {
        code: house.publicCode, commune, stage: stageOf(house),
        stages: stagesWithPhotos(stages, (stage) => house[stageColumn[stage]], photos.get(house.id)),
        amount_vnd: Number(r.amount_vnd), via: r.account === 'house_cash' ? (r.direct ? 'designated' : 'pool') : null,
      };
    }),
    in_pool_vnd: Number(pool?.held ?? 0),
    area_names: await areaNames(db, [contribution.area_code]),
  };
}

/** The journal entry that recorded a confirmed gift, as published (for its inclusion proof), or null. */
export async function giftRecord(db: Db, contributionId: number): Promise<JournalRecord | null> {
  const [row] = await db.select({ id: schema.journalEntries.id }).from(schema.journalEntries)
    .where(sql`${schema.journalEntries.contributionId} = ${contributionId} AND ${schema.journalEntries.kind} = 'contribution'`).limit(1);
  const entry = row ? await loadEntry(db, row.id) : undefined;
  return entry ? recordOfEntry(entry) : null;
}

/** A pledge whose money has not arrived yet, as its donor may see it by receipt code: never the email. */
export interface PublicPledge {
  receipt_code: string;
  status: 'pending' | 'failed' | 'review';
  method: 'card' | 'bank_transfer';
  amount_vnd: number;
  target: 'house' | 'commune' | 'general';
  house_code: string | null;
  commune_name: string | null;
  donor: string;
  created_at: string;
}

export type CodeLookup = { status: 'confirmed'; gift: ReceiptLookup } | { status: 'pledged'; pledge: PublicPledge };

// A receipt code is a ledger contribution once its money is confirmed, and only a pledge before that:
// the donor who just chose "bank transfer" must find it too. Unknown codes are "not found", not "invalid".
export async function lookupCode(db: Db, raw: unknown): Promise<CodeLookup> {
  const { code } = parseQuery(lookupQuery, raw);
  try {
    return { status: 'confirmed', gift: await lookupReceipt(db, raw) };
  } catch (error) {
    if (!(error instanceof DomainError) || error.status !== 404) throw error;
  }
  const view = await pledgeView(db, code);
  if (!view || view.pledge.contributionId !== null) {
    throw new DomainError(404, 'not_found',
      `Không tìm thấy mã biên nhận ${code}. Hãy kiểm tra lại mã (dạng AC7K2M9QXP, in trên biên nhận và trong nội dung chuyển khoản).`,
      `No gift has receipt code ${code}. Check the code (it looks like AC7K2M9QXP and is on your receipt and in the transfer memo).`);
  }
  const p = view.pledge;
  return {
    status: 'pledged',
    pledge: {
      receipt_code: p.receiptCode, status: p.status as PublicPledge['status'], method: p.method, amount_vnd: p.amountVnd,
      target: p.targetType, house_code: view.houseCode, commune_name: view.communeName,
      donor: publicDonorName({ anonymous: p.anonymous, displayName: p.displayName }), created_at: p.createdAt.toISOString(),
    },
  };
}
