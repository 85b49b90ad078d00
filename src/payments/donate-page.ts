// The donation form's server side, kept out of Astro so it can be tested with plain Request objects:
// GET shows the form (prefilled from ?house= or ?commune=), POST validates, records the pledge and
// redirects to Stripe Checkout or to the receipt page with the VietQR code.
import QRCode from 'qrcode';
import { z } from 'zod';
import { currentCampaign } from '../domain/campaigns';
import { DomainError } from '../domain/errors';
import { formatVnd } from '../i18n/format';
import { logEvent } from '../log';
import { BodyTooLarge, FORM_TYPES, readForm } from '../request-body';
import type { FundBankAccount } from './config';
import { communeChoices, createPledge, houseChoice, MIN_AMOUNT_VND, pledgeView, QUICK_AMOUNTS_VND, readPledgeForm, type FieldError, type PledgeView } from './pledges';
import type { PaymentsRuntime } from './runtime';
import { startCheckout } from './stripe';
import { vietQrPayload } from './vietqr';
import { virtualAccountOf } from './virtual-accounts';

export type Lang = 'vi' | 'en';

export const donatePath = (lang: Lang) => (lang === 'en' ? '/en/ung-ho' : '/ung-ho');
export const receiptPath = (lang: Lang, code: string) => `${donatePath(lang)}/${code}`;

export interface DonateFormModel {
  lang: Lang;
  values: Record<string, string>;
  errors: FieldError[];
  notice?: { vi: string; en: string; communeId?: number };
  communes: { id: number; name: string; district: string | null }[];
  house?: { publicCode: string; areaName: string; remainingVnd: number; budgetVnd: number };
  cardEnabled: boolean;
  quickAmounts: number[];
  minimums: typeof MIN_AMOUNT_VND;
}

export type DonateOutcome = { redirect: string } | { status: number; model: DonateFormModel; retryAfterSeconds?: number };

/** The donation form is a few short fields: anything bigger is not a donation. */
export const DONATE_BODY_BYTES = 16 * 1024;

// The query a GET may carry: a house code or a commune id to prefill, the language; nothing else.
const prefillQuery = z.object({
  house: z.string().trim().toUpperCase().regex(/^[A-Z]{1,10}-\d{5}$/).optional(),
  commune: z.string().regex(/^\d{1,9}$/).optional(),
  lang: z.enum(['vi', 'en']).optional(),
}).strict();

const notices = {
  badQuery: { vi: 'Đường dẫn có tham số không hợp lệ; hãy chọn lại bên dưới.', en: 'The link has an invalid parameter; choose again below.' },
  contentType: { vi: 'Chỉ nhận dữ liệu từ biểu mẫu ủng hộ.', en: 'Only the donation form can be submitted here.' },
  tooLarge: { vi: 'Dữ liệu gửi lên quá lớn.', en: 'The submission is too large.' },
  unreadable: { vi: 'Không đọc được biểu mẫu; hãy gửi lại.', en: 'The form could not be read; please submit it again.' },
};

async function formModel(runtime: PaymentsRuntime, lang: Lang, values: Record<string, string>, errors: FieldError[] = [], notice?: DonateFormModel['notice']): Promise<DonateFormModel> {
  const house = /^[A-Z]{1,10}-\d{5}$/.test(values.house ?? '') ? await houseChoice(runtime.db, values.house!) : undefined;
  return {
    lang, values, errors, notice, communes: await communeChoices(runtime.db), house, cardEnabled: Boolean(runtime.stripe),
    quickAmounts: QUICK_AMOUNTS_VND, minimums: MIN_AMOUNT_VND,
  };
}

// One request to the donation page, whatever its method. `client` is who sent it (its address, from
// the middleware) for the per-address pledge limit.
export async function donatePage(runtime: PaymentsRuntime, request: Request, lang: Lang, client: { ip?: string; now?: Date } = {}): Promise<DonateOutcome> {
  const url = new URL(request.url);
  if (request.method !== 'POST') {
    const query = prefillQuery.safeParse(Object.fromEntries(url.searchParams));
    const house = query.success ? query.data.house ?? '' : '';
    const commune = query.success ? query.data.commune ?? '' : '';
    const values = { target: house ? 'house' : commune ? 'commune' : 'general', house, commune, method: 'bank_transfer', amountQuick: '200000' };
    return { status: query.success ? 200 : 400, model: await formModel(runtime, lang, values, [], query.success ? undefined : notices.badQuery) };
  }
  const blank = { target: 'general', method: 'bank_transfer' };
  if (!FORM_TYPES.test(request.headers.get('content-type') ?? '')) return { status: 415, model: await formModel(runtime, lang, blank, [], notices.contentType) };
  let form: FormData;
  try {
    form = await readForm(request, DONATE_BODY_BYTES);
  } catch (error) {
    const tooLarge = error instanceof BodyTooLarge;
    return { status: tooLarge ? 413 : 400, model: await formModel(runtime, lang, blank, [], tooLarge ? notices.tooLarge : notices.unreadable) };
  }
  // A file where text belongs is not a value: it reads as empty, and zod names the field.
  const values = Object.fromEntries([...form.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : '']));
  const read = readPledgeForm(values);
  // A refused form is shown again as typed, less what could not be shown (bounded, no control characters).
  const shown = () => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.slice(0, 200).replace(/[\p{Cc}\p{Cf}]/gu, '')]));
  if (!read.ok) return { status: 400, model: await formModel(runtime, lang, shown(), read.errors) };
  const ip = client.ip ?? 'unknown';
  const now = (client.now ?? new Date()).getTime();
  const allowed = runtime.pledgeLimiter?.check(ip, now) ?? { ok: true };
  if (!allowed.ok) {
    const minutes = Math.max(1, Math.ceil(allowed.retryAfterMs / 60_000));
    logEvent('warn', 'pledge_rate_limited', { retryAfterMs: allowed.retryAfterMs });
    return {
      status: 429, retryAfterSeconds: Math.ceil(allowed.retryAfterMs / 1000),
      model: await formModel(runtime, lang, values, [], {
        vi: `Địa chỉ mạng này đã tạo nhiều lượt ủng hộ trong thời gian ngắn; vui lòng thử lại sau ${minutes} phút.`,
        en: `This network address has made many pledges in a short time; please try again in ${minutes} minutes.`,
      }),
    };
  }
  const stripe = runtime.stripe;
  const origin = process.env.PUBLIC_SITE_URL ?? url.origin;
  try {
    const { pledge, checkoutUrl } = await createPledge(runtime.db, read.request, stripe && ((p) => startCheckout(stripe.client, p, {
      success: `${origin}${receiptPath(lang, p.receiptCode)}`,
      cancel: `${origin}${donatePath(lang)}${read.request.target.type === 'house' ? `?house=${read.request.target.houseCode}` : ''}`,
    }, lang === 'en' ? `Gift to the "For the Poor" fund (${p.receiptCode})` : `Ủng hộ Quỹ Vì người nghèo (${p.receiptCode})`)));
    runtime.pledgeLimiter?.record(ip, now);
    return { redirect: checkoutUrl ?? receiptPath(lang, pledge.receiptCode) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const communeId = (error.details as { suggestCommuneId?: number } | undefined)?.suggestCommuneId;
    return { status: error.status, model: await formModel(runtime, lang, values, [], { vi: error.message, en: error.messageEn, communeId }) };
  }
}

export interface ReceiptModel {
  lang: Lang;
  view: PledgeView;
  /** The fund's account; accountNo is the pledge's own virtual account when it was given one. */
  bank: FundBankAccount;
  /** For a bank pledge still waiting for its transfer: the VietQR payload and its SVG. */
  qr?: { payload: string; svg: string };
}

// The receipt page: the code at once, the QR code while a transfer is awaited, the split once confirmed.
export async function receiptPage(runtime: PaymentsRuntime, code: string, lang: Lang): Promise<ReceiptModel | undefined> {
  if (!/^AC[0-9A-Z]{8}$/i.test(code)) return undefined;
  const view = await pledgeView(runtime.db, code);
  if (!view) return undefined;
  let qr: ReceiptModel['qr'];
  let bank = runtime.bank;
  if (view.pledge.method === 'bank_transfer' && view.pledge.status === 'pending') {
    bank = { ...bank, accountNo: (await virtualAccountOf(runtime.db, view.pledge.id)) ?? bank.accountNo };
    const payload = vietQrPayload({ bankBin: bank.bankBin, accountNo: bank.accountNo, amountVnd: view.pledge.amountVnd, purpose: view.pledge.receiptCode });
    qr = { payload, svg: await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
  }
  return { lang, view, bank, qr };
}

// "1.000.000 ₫ to house BK-00012, 200.000 ₫ to the commune's pool…": what the receipt says was done.
export function splitSentence(lang: Lang, view: PledgeView): string[] {
  const split = view.split;
  if (!split) return [];
  const parts: string[] = [];
  if (split.houseVnd > 0) parts.push(lang === 'en' ? `${formatVnd(split.houseVnd, 'en')} to house ${view.houseCode}` : `${formatVnd(split.houseVnd)} cho nhà ${view.houseCode}`);
  if (split.communeVnd > 0) parts.push(lang === 'en' ? `${formatVnd(split.communeVnd, 'en')} to the pool of ${view.communeName}` : `${formatVnd(split.communeVnd)} vào quỹ của ${view.communeName}`);
  if (split.generalVnd > 0) parts.push(lang === 'en' ? `${formatVnd(split.generalVnd, 'en')} to the general fund` : `${formatVnd(split.generalVnd)} vào quỹ chung`);
  if (split.feeVnd > 0) parts.push(lang === 'en' ? `${formatVnd(split.feeVnd, 'en')} card fee kept by the processor` : `${formatVnd(split.feeVnd)} phí thẻ do cổng thanh toán giữ`);
  return parts;
}

// The donation and receipt pages carry the demo banner like every other page when the campaign is a demo.
export async function isDemoSite(runtime: PaymentsRuntime): Promise<boolean> {
  return (await currentCampaign(runtime.db))?.isDemo ?? false;
}
