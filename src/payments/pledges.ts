// Pledges: what a donor chose on the donation page, before the money is confirmed. The receipt code
// is given at once and becomes the contribution's receipt code when the card or transfer is confirmed.
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, schema, type Db } from '../../db/client';
import { currentCampaign } from '../domain/campaigns';
import { newReceiptCode } from '../domain/codes';
import { DomainError, notFound } from '../domain/errors';
import { CONTROL_MESSAGE, freeText, hasControlCharacters } from '../domain/text';
import { formatVnd } from '../i18n/format';
import { PRIVACY_NOTICE_VERSION } from '../mail/privacy';
import { ui } from '../i18n/ui';
import { readTypedNumber } from '../i18n/read-number';
import { isTaxCode, normaliseTaxCode } from '../domain/donors';
import { assignVirtualAccount } from './virtual-accounts';

const { pledges, houses, areas, journalEntries, journalLines } = schema;

export type Pledge = typeof pledges.$inferSelect;
export type PayMethod = Pledge['method'];

// Card payments below about US$0.50 are refused by Stripe; a bank transfer of 10.000 ₫ is fine.
export const MIN_AMOUNT_VND: Record<PayMethod, number> = { bank_transfer: 10_000, card: 20_000 };
// Larger gifts are arranged with the office, where a person checks them.
export const MAX_PLEDGE_VND = 10_000_000_000;
export const QUICK_AMOUNTS_VND = [50_000, 100_000, 200_000, 500_000, 1_000_000, 5_000_000];

export interface FieldError { field: string; vi: string; en: string }

const messages: Record<string, [string, string]> = {
  target: ['Hãy chọn một ngôi nhà, một xã hoặc quỹ chung.', 'Choose a house, a commune or the general fund.'],
  house: ['Mã nhà có dạng BK-00012.', 'A house code looks like BK-00012.'],
  commune: ['Hãy chọn một xã.', 'Choose a commune.'],
  amount_missing: ['Hãy chọn hoặc nhập số tiền.', 'Choose or type an amount.'],
  too_large: [`Số tiền tối đa qua trang này là ${formatVnd(MAX_PLEDGE_VND)}; khoản lớn hơn xin liên hệ văn phòng.`, `The most this page takes is ${formatVnd(MAX_PLEDGE_VND, 'en')}; for more, contact the office.`],
  displayName: ['Hãy nhập tên hiển thị (tối đa 120 ký tự) hoặc chọn ẩn danh.', 'Type a display name (at most 120 characters) or choose anonymity.'],
  email: ['Email không hợp lệ.', 'The email is not valid.'],
  method: ['Hãy chọn cách thanh toán.', 'Choose how to pay.'],
  emailConsent: [ui.vi.privacy.consentMissing, ui.en.privacy.consentMissing],
  companyName: ['Tên doanh nghiệp tối đa 200 ký tự; doanh nghiệp cần cả tên và mã số thuế.', 'A company name has at most 200 characters; a business gives both its name and its tax code.'],
  taxCode: ['Mã số thuế gồm 10 chữ số, hoặc 13 chữ số cho chi nhánh (0123456789-001).', 'A tax code has 10 digits, or 13 for a branch (0123456789-001).'],
  control: ['Ô này chứa ký tự điều khiển hoặc ký tự ẩn; hãy gõ lại.', 'This field contains control or invisible characters; type it again.'],
};

// Every field is bounded (the body is at most 16 KB anyway) and free of control characters.
const optionalText = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.string().max(400).refine((v) => !hasControlCharacters(v), 'control').transform((v) => v.normalize('NFC').trim()).optional());

// The raw form as the browser sends it: every value a string, empty fields meaning "not given".
const pledgeForm = z.object({
  target: z.enum(['house', 'commune', 'general'], { message: 'target' }),
  house: optionalText.pipe(z.string().toUpperCase().regex(/^[A-Z]{1,10}-\d{5}$/, 'house').optional()),
  // Decimal digits only, within an integer column: no '0x10', '1e3' or 99999999999.
  commune: optionalText.pipe(z.string().regex(/^[1-9]\d{0,8}$/, 'commune').transform(Number).optional()),
  amount: optionalText,
  amountQuick: optionalText,
  displayName: optionalText.pipe(freeText(1, 120).optional()),
  anonymous: z.preprocess((v) => v === 'on' || v === 'true' || v === '1', z.boolean()),
  email: optionalText.pipe(z.string().max(200, 'email').email('email').optional()),
  emailConsent: z.preprocess((v) => v === 'on' || v === 'true' || v === '1', z.boolean()),
  method: z.enum(['card', 'bank_transfer'], { message: 'method' }),
  companyName: optionalText.pipe(z.string().max(200, 'companyName').optional()),
  taxCode: optionalText.pipe(z.string().refine(isTaxCode, 'taxCode').transform(normaliseTaxCode).optional()),
});

export type PledgeTarget = { type: 'house'; houseCode: string } | { type: 'commune'; areaId: number } | { type: 'general' };

export interface PledgeRequest {
  target: PledgeTarget;
  amountVnd: number;
  displayName: string | null;
  anonymous: boolean;
  email: string | null;
  /** Decree 13/2023: the donor ticked consent to the privacy notice; without it no email is kept. */
  emailConsent?: boolean;
  method: PayMethod;
  /** A business gift: its name and tax code, private, for its confirmation. */
  business?: { companyName: string; taxCode: string } | null;
}

function fieldError(field: string, code: string): FieldError {
  const [vi, en] = messages[code] ?? [code, code];
  return { field, vi, en };
}

// Validates the donation form with zod and names every problem beside its field, in both languages.
export function readPledgeForm(form: Record<string, unknown>): { ok: true; request: PledgeRequest } | { ok: false; errors: FieldError[] } {
  const parsed = pledgeForm.safeParse(form);
  if (!parsed.success) {
    const code = (message: string, field: string) => (messages[message] ? message : message === CONTROL_MESSAGE ? 'control' : field);
    const errors = parsed.error.issues.map((issue) => fieldError(String(issue.path[0] ?? 'form'), code(issue.message, String(issue.path[0]))));
    return { ok: false, errors };
  }
  const f = parsed.data;
  const errors: FieldError[] = [];
  if (f.target === 'house' && !f.house) errors.push(fieldError('house', 'house'));
  if (f.target === 'commune' && !f.commune) errors.push(fieldError('commune', 'commune'));
  if (!f.anonymous && !f.displayName) errors.push(fieldError('displayName', 'displayName'));
  if (f.email && !f.emailConsent) errors.push(fieldError('emailConsent', 'emailConsent'));
  if (Boolean(f.companyName) !== Boolean(f.taxCode)) errors.push(fieldError(f.companyName ? 'taxCode' : 'companyName', f.companyName ? 'taxCode' : 'companyName'));
  const amountText = f.amount ?? f.amountQuick;
  let amountVnd = 0;
  if (!amountText) errors.push(fieldError('amount', 'amount_missing'));
  else {
    const reading = readTypedNumber(amountText, 'amount');
    if (!reading.ok) errors.push({ field: 'amount', vi: `Số tiền ${reading.vi}.`, en: `The amount ${reading.en}.` });
    else if (reading.value > MAX_PLEDGE_VND) errors.push(fieldError('amount', 'too_large'));
    else if (reading.value < MIN_AMOUNT_VND[f.method]) {
      const min = MIN_AMOUNT_VND[f.method];
      errors.push({ field: 'amount', vi: `Số tiền tối thiểu là ${formatVnd(min)}${f.method === 'card' ? ' khi trả bằng thẻ' : ''}.`, en: `The minimum is ${formatVnd(min, 'en')}${f.method === 'card' ? ' by card' : ''}.` });
    } else amountVnd = reading.value;
  }
  if (errors.length > 0) return { ok: false, errors };
  const target: PledgeTarget = f.target === 'house' ? { type: 'house', houseCode: f.house! } : f.target === 'commune' ? { type: 'commune', areaId: f.commune! } : { type: 'general' };
  return {
    ok: true,
    request: { target, amountVnd, displayName: f.anonymous ? null : f.displayName!, anonymous: f.anonymous, email: f.email ?? null, emailConsent: f.emailConsent, method: f.method,
      business: f.companyName && f.taxCode ? { companyName: f.companyName, taxCode: f.taxCode } : null },
  };
}

export interface CheckoutStarter {
  (pledge: Pledge): Promise<{ sessionId: string; url: string }>;
}

export interface CreatedPledge {
  pledge: Pledge;
  /** Where to send the donor next: Stripe Checkout for a card, the receipt page for a transfer. */
  checkoutUrl?: string;
}

// Resolves the target the donor chose; a fully funded house is refused with the commune suggested.
async function resolveTarget(db: Db, target: PledgeTarget): Promise<{ targetHouseId: number | null; targetAreaId: number | null }> {
  if (target.type === 'general') return { targetHouseId: null, targetAreaId: null };
  if (target.type === 'commune') {
    const [area] = await db.select({ level: areas.level }).from(areas).where(eq(areas.id, target.areaId));
    if (!area || area.level !== 'commune') throw notFound(`xã #${target.areaId}`, `Commune #${target.areaId}`);
    return { targetHouseId: null, targetAreaId: target.areaId };
  }
  const [house] = await db.select({ id: houses.id, areaId: houses.areaId, budgetVnd: houses.budgetVnd, allocatedVnd: houses.allocatedVnd, areaName: areas.name })
    .from(houses).innerJoin(areas, eq(areas.id, houses.areaId)).where(eq(houses.publicCode, target.houseCode));
  if (!house) throw notFound(`nhà ${target.houseCode}`, `House ${target.houseCode}`);
  if (house.allocatedVnd >= house.budgetVnd) {
    throw new DomainError(409, 'house_fully_funded',
      `Nhà ${target.houseCode} đã đủ kinh phí. Xin hãy ủng hộ ${house.areaName}: số tiền sẽ đến các nhà còn thiếu trong xã.`,
      `House ${target.houseCode} is already fully funded. Please give to ${house.areaName} instead: the money goes to the houses there that still need it.`,
      { suggestCommuneId: house.areaId });
  }
  return { targetHouseId: house.id, targetAreaId: house.areaId };
}

// Records the pledge; for a card it also opens a Stripe Checkout Session (outside any transaction).
export async function createPledge(db: Db, request: PledgeRequest, startCheckout?: CheckoutStarter): Promise<CreatedPledge> {
  if (request.method === 'card' && !startCheckout) {
    throw new DomainError(409, 'card_not_configured', 'Thanh toán thẻ chưa được cấu hình; xin hãy chuyển khoản qua VietQR.',
      'Card payment is not configured; please pay by bank transfer (VietQR).');
  }
  const campaign = await currentCampaign(db);
  if (!campaign) throw new DomainError(409, 'no_campaign', 'Chưa có chiến dịch nào để ủng hộ.', 'There is no campaign to give to yet.');
  const target = await resolveTarget(db, request.target);
  // A house or commune transfer takes a virtual account in the same transaction, when the bank gives them.
  const pledge = await db.transaction(async (tx) => {
    const [created] = await tx.insert(pledges).values({
      receiptCode: newReceiptCode(),
      campaignId: campaign.id,
      targetType: request.target.type,
      ...target,
      amountVnd: request.amountVnd,
      displayName: request.displayName,
      anonymous: request.anonymous,
      ...(request.email && request.emailConsent
        ? { email: request.email, privacyNoticeVersion: PRIVACY_NOTICE_VERSION, emailConsentAt: new Date() }
        : { email: null }),
      method: request.method,
      companyName: request.business?.companyName ?? null,
      taxCode: request.business?.taxCode ?? null,
    }).returning();
    if (request.method === 'bank_transfer' && request.target.type !== 'general') await assignVirtualAccount(tx, created!.id);
    return created;
  });
  if (request.method === 'bank_transfer') return { pledge: pledge! };
  try {
    const session = await startCheckout!(pledge!);
    const [updated] = await db.update(pledges).set({ stripeSessionId: session.sessionId }).where(eq(pledges.id, pledge!.id)).returning();
    return { pledge: updated!, checkoutUrl: session.url };
  } catch (error) {
    await db.update(pledges).set({ status: 'failed', statusReason: `checkout_failed: ${String((error as Error).message).slice(0, 200)}` }).where(eq(pledges.id, pledge!.id));
    throw new DomainError(502, 'card_unavailable', 'Không mở được trang thanh toán thẻ lúc này; xin thử lại sau ít phút hoặc chuyển khoản qua VietQR.',
      'The card payment page could not be opened just now; try again in a few minutes or pay by bank transfer (VietQR).');
  }
}

// The donor a confirmed pledge records: a business by its tax code, so its gifts are one donor's.
export function pledgeDonor(pledge: Pledge) {
  return { kind: pledge.taxCode ? 'business' as const : 'individual' as const, displayName: pledge.displayName, anonymous: pledge.anonymous, email: pledge.email, taxCode: pledge.taxCode };
}

export interface PledgeView {
  pledge: Pledge;
  houseCode: string | null;
  communeName: string | null;
  /** How the confirmed money was allocated, from the contribution's journal entry. */
  split: { houseVnd: number; communeVnd: number; generalVnd: number; feeVnd: number } | null;
  reversedByEntryId: number | null;
}

// What the receipt page shows: the pledge, its target by public names, and the split once confirmed.
export async function pledgeView(db: Db, receiptCode: string): Promise<PledgeView | undefined> {
  const [row] = await db.select({ pledge: pledges, houseCode: houses.publicCode, communeName: areas.name })
    .from(pledges).leftJoin(houses, eq(houses.id, pledges.targetHouseId)).leftJoin(areas, eq(areas.id, pledges.targetAreaId))
    .where(eq(pledges.receiptCode, receiptCode.toUpperCase()));
  if (!row) return undefined;
  let split: PledgeView['split'] = null;
  let reversedByEntryId: number | null = null;
  if (row.pledge.contributionId !== null) {
    const [totals] = await queryRows<Record<string, string | number | null>>(db, sql`
      SELECT coalesce(-sum(l.amount_vnd) FILTER (WHERE l.account = 'house_cash'), 0) AS house,
             coalesce(-sum(l.amount_vnd) FILTER (WHERE l.account = 'pool_commune'), 0) AS commune,
             coalesce(-sum(l.amount_vnd) FILTER (WHERE l.account = 'pool_general'), 0) AS general,
             coalesce(sum(l.amount_vnd) FILTER (WHERE l.account = 'card_fees'), 0) AS fee,
             (SELECT r.id FROM ${journalEntries} r WHERE r.reverses_entry_id = e.id) AS reversed_by
      FROM ${journalEntries} e JOIN ${journalLines} l ON l.entry_id = e.id
      WHERE e.contribution_id = ${row.pledge.contributionId} AND e.kind = 'contribution'
      GROUP BY e.id`);
    if (totals) {
      split = { houseVnd: Number(totals.house), communeVnd: Number(totals.commune), generalVnd: Number(totals.general), feeVnd: Number(totals.fee) };
      reversedByEntryId = totals.reversed_by === null ? null : Number(totals.reversed_by);
    }
  }
  return { pledge: row.pledge, houseCode: row.houseCode, communeName: row.communeName, split, reversedByEntryId };
}

// The communes a donor can pick, with the district each belongs to, for the form's select.
export async function communeChoices(db: Db): Promise<{ id: number; name: string; district: string | null }[]> {
  const parent = schema.areas;
  const rows = await queryRows<{ id: number; name: string; district: string | null }>(db, sql`
    SELECT c.id, c.name, d.name AS district FROM ${parent} c LEFT JOIN ${parent} d ON d.id = c.parent_id
    WHERE c.level = 'commune' ORDER BY d.name NULLS FIRST, c.name`);
  return rows.map((r) => ({ id: Number(r.id), name: r.name, district: r.district }));
}

// The house a donor arrived from (?house=BK-00012), with what it still needs.
export async function houseChoice(db: Db, publicCode: string) {
  const [house] = await db.select({ publicCode: houses.publicCode, areaId: houses.areaId, areaName: areas.name, budgetVnd: houses.budgetVnd, allocatedVnd: houses.allocatedVnd })
    .from(houses).innerJoin(areas, eq(areas.id, houses.areaId)).where(eq(houses.publicCode, publicCode.toUpperCase()));
  return house ? { ...house, remainingVnd: house.budgetVnd - house.allocatedVnd } : undefined;
}
