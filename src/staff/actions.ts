// What each staff form does: read its fields, check the recorder's areas, call the domain operation
// with the form's submission id as the idempotency key, and write the outcome to the audit log.
import { eq, inArray, sql } from 'drizzle-orm';
import { queryRows, schema, type Db } from '../../db/client';
import { allocateFromPool } from '../domain/allocations';
import { currentCampaign } from '../domain/campaigns';
import { recordCashContribution, recordLabour, recordStateBudget } from '../domain/contributions';
import { decideCorrectionRequest, fileCorrectionRequest, reverseEntry } from '../domain/corrections';
import { decideDisbursement, paymentMethodNames, proposeDisbursement } from '../domain/disbursements';
import { DomainError, fieldError, notFound } from '../domain/errors';
import { mergeDonors, unmergeDonor, type ReturningDonor } from '../domain/donors';
import { describeItem, priceItem, recordShipment, type PricedItem } from '../domain/in-kind';
import { advanceStage, initialsOf, registerHouseProject, stageNames } from '../domain/houses';
import { runOnce } from '../domain/journal';
import { recordCashTransfer, recordOpeningBalance } from '../domain/treasury';
import { giveHeadNameConsent, withdrawDonorName, withdrawHeadNameConsent } from '../domain/public-records';
import { formatCount, formatDate, formatVnd } from '../i18n/format';
import { audit } from './audit';
import { checkbox, count, decimal, integer, optionalText, optionalVnd, pastDate, startOfDayVn, submissionId, text, vnd, type Fields } from './forms';
import { z } from 'zod';
import { stageInput } from '../domain/schemas';
import { manageAccount, saveStaffUser, setAccess, type SignedIn } from './accounts';
import { cleanPhoto, photoHash, pixelHash, samePhotos, storePhoto, type SamePhoto } from './photos';
import { importHouseholds } from './households-import';
import { recordStatePayment } from '../domain/state-payments';
import { importStatePayments } from './state-payments-import';
import { cleanReceipt, removeReceipt, storeReceipt } from './receipts';
import { can, roleNames } from './permissions';
import { entriesInScope } from './queries';
import { resolveReview, type Resolution } from '../payments/review-queue';
import { startPublish } from './publish';
import { resendMessage } from '../mail/worker';

export interface ActionContext extends SignedIn {
  db: Db;
  ip: string;
}

export interface Done {
  vi: string;
  en: string;
  /** True when this submission had already been recorded: nothing was posted twice. */
  replayed?: boolean;
  /** Where the result can be seen, if anywhere. */
  link?: string;
}

// Runs one action, logging it as done or refused; any other failure is a bug and propagates.
async function logged<T extends Done>(ctx: ActionContext, action: string, target: string | null, run: () => Promise<T & { details?: Record<string, unknown> }>): Promise<T> {
  try {
    const { details, ...rest } = await run();
    const done = rest as unknown as T;
    await audit(ctx.db, { actor: ctx.user.username, action, outcome: 'ok', target, details: { ...details, replayed: done.replayed ?? false }, ip: ctx.ip });
    return done;
  } catch (error) {
    if (error instanceof DomainError) {
      await audit(ctx.db, { actor: ctx.user.username, action, outcome: 'refused', target, details: { code: error.code, message: error.message, messageEn: error.messageEn }, ip: ctx.ip });
    }
    throw error;
  }
}

const keyOf = (action: string, form: Fields) => `staff:${action}:${submissionId(form)}`;

// Recorders, and approvers limited to areas, act only for the communes of their areas.
function assertInScope(ctx: ActionContext, areaId: number | null): void {
  if (ctx.communeIds === null || (areaId !== null && ctx.communeIds.has(areaId))) return;
  throw new DomainError(403, 'out_of_scope', 'Địa bàn này nằm ngoài phạm vi được giao cho bạn.', 'This area is outside the areas assigned to you.');
}

export interface HouseRef { id: number; publicCode: string; areaId: number; campaignId: number; areaRateVnd: number | null; campaignRateVnd: number }

// Staff name houses by their public code, which is printed on every paper record.
export async function houseByCode(db: Db, code: string): Promise<HouseRef> {
  const wanted = code.trim().toUpperCase();
  const [house] = await db.select({
    id: schema.houses.id, publicCode: schema.houses.publicCode, areaId: schema.houses.areaId, campaignId: schema.houses.campaignId,
    areaRateVnd: schema.areas.labourDayRateVnd, campaignRateVnd: schema.campaigns.labourDayRateVnd,
  }).from(schema.houses)
    .innerJoin(schema.areas, eq(schema.areas.id, schema.houses.areaId))
    .innerJoin(schema.campaigns, eq(schema.campaigns.id, schema.houses.campaignId))
    .where(eq(schema.houses.publicCode, wanted));
  if (!house) throw notFound(`nhà mã "${wanted}"`, `House "${wanted}"`);
  return house;
}

export async function areaById(db: Db, id: number) {
  const [area] = await db.select().from(schema.areas).where(eq(schema.areas.id, id));
  return area;
}

export async function areaByCode(db: Db, code: string) {
  const [area] = await db.select().from(schema.areas).where(eq(schema.areas.code, code.trim()));
  if (!area) throw notFound(`địa bàn mã "${code}"`, `Area "${code}"`);
  return area;
}

async function campaignId(db: Db): Promise<number> {
  const campaign = await currentCampaign(db);
  if (!campaign) throw new DomainError(409, 'no_campaign', 'Chưa có chiến dịch nào.', 'There is no campaign yet.');
  return campaign.id;
}

// A new donor from the form's donor fields; private fields (phone, email, tax code) stay in the donors table.
function donorOf(form: Fields, kindDefault: 'individual' | 'business' | 'organisation' = 'individual') {
  const anonymous = checkbox(form, 'anonymous');
  return {
    kind: (text(form, 'donorKind') || kindDefault) as 'individual',
    displayName: anonymous ? null : optionalText(form, 'donorName'),
    anonymous,
    phone: optionalText(form, 'donorPhone'),
    email: optionalText(form, 'donorEmail'),
    taxCode: optionalText(form, 'donorTaxCode'),
  };
}

const donorKeyNames = { tax_code: ['mã số thuế', 'tax code'], phone: ['số điện thoại', 'phone'], email: ['email', 'email'] } as const;

// Tells the recorder a gift went to a donor already on record (which private identifier matched, never its value).
function returningNote(result: { returningDonor?: ReturningDonor }): [string, string] {
  const r = result.returningDonor;
  return r ? [` Ghi cho người ủng hộ đã có (#${r.donorId}, trùng ${donorKeyNames[r.via][0]}).`, ` Recorded under the existing donor #${r.donorId} (same ${donorKeyNames[r.via][1]}).`] : ['', ''];
}

// Runs a domain operation that has no idempotency key of its own once per form submission;
// the operation's own transaction becomes a savepoint inside runOnce's.
function once<T>(db: Db, key: string, request: unknown, run: (db: Db) => Promise<T>) {
  return runOnce(db, key, request, (tx) => run(tx as unknown as Db));
}

export async function registerHouseholdAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'house.register', null, async () => {
    const area = await areaByCode(ctx.db, text(form, 'commune'));
    assertInScope(ctx, area.id);
    const input = {
      campaignId: await campaignId(ctx.db),
      areaId: area.id,
      type: text(form, 'type'),
      source: text(form, 'source') || undefined,
      budgetVnd: optionalVnd(form, 'budget'),
      minutesRef: text(form, 'minutesRef'),
      approvedOn: pastDate(form, 'approvedOn'),
      household: {
        headFullName: text(form, 'headFullName'),
        publishFullName: checkbox(form, 'publishFullName'),
        nationalId: optionalText(form, 'nationalId'),
        phone: optionalText(form, 'phone'),
        address: optionalText(form, 'address'),
        povertyStatus: text(form, 'povertyStatus'),
        members: count(form, 'members'),
      },
      confirmedNotDuplicate: checkbox(form, 'notDuplicate'),
    };
    const { result, replayed } = await once(ctx.db, keyOf('house.register', form), input, (db) => registerHouseProject(db, input));
    return {
      vi: `Đã đăng ký nhà ${result.publicCode}.`, en: `House ${result.publicCode} registered.`, replayed,
      link: `/staff/houses/${result.houseId}`, details: { house: result.publicCode },
    };
  });
}

export async function labourAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'labour.record', text(form, 'house') || null, async () => {
    const house = await lookedUp('house', () => houseByCode(ctx.db, text(form, 'house')));
    assertInScope(ctx, house.areaId);
    const organisation = text(form, 'organisation');
    const { result, replayed } = await recordLabour(ctx.db, {
      idempotencyKey: keyOf('labour', form),
      campaignId: house.campaignId,
      houseId: house.id,
      organisation,
      unit: text(form, 'unit'),
      people: count(form, 'people'),
      days: decimal(form, 'days'),
      workedOn: pastDate(form, 'workedOn'),
      donor: { kind: 'organisation', displayName: organisation || null, anonymous: false },
    });
    const rate = house.areaRateVnd ?? house.campaignRateVnd;
    const personDays = count(form, 'people') * decimal(form, 'days');
    return {
      vi: `Đã ghi ${personDays} ngày công của ${organisation} cho nhà ${house.publicCode} (biên nhận ${result.receiptCode}). Giá trị ước tính: ${formatVnd(result.estimateVnd)} theo đơn giá ${formatVnd(rate)}/ngày công — chỉ là ước tính, không phải tiền.`,
      en: `Recorded ${personDays} labour days by ${organisation} on house ${house.publicCode} (receipt ${result.receiptCode}). Estimated value: ${formatVnd(result.estimateVnd)} at ${formatVnd(rate)} a day — an estimate, not money.`,
      replayed, link: `/staff/houses/${house.id}`,
      details: { receipt: result.receiptCode, personDays, estimateVnd: result.estimateVnd, entryId: result.entryId },
    };
  });
}

const ITEM_ROWS = 6;
export const itemRows = Array.from({ length: ITEM_ROWS }, (_, i) => i);

// The item rows a recorder filled in (with their row index), each read the Vietnamese way and priced.
export function itemsOf(form: Fields): { index: number; item: PricedItem }[] {
  return itemRows
    .filter((i) => text(form, `item${i}Name`) || text(form, `item${i}Quantity`) || text(form, `item${i}UnitPrice`) || text(form, `item${i}Total`))
    .map((i) => {
      const row = i + 1;
      const label = (vi: string, en: string): [string, string] => [`Dòng ${row}, ${vi}`, `Row ${row}, ${en}`];
      const name = text(form, `item${i}Name`);
      const unit = text(form, `item${i}Unit`);
      if (!name) throw fieldError(`item${i}Name`, `Dòng ${row}: chưa nhập tên hàng.`, `Row ${row}: the item name is missing.`);
      if (!unit) throw fieldError(`item${i}Unit`, `Dòng ${row}: chưa nhập đơn vị (bao, viên, tấn…).`, `Row ${row}: the unit (bag, brick, tonne…) is missing.`);
      const quantity = decimal(form, `item${i}Quantity`, label('số lượng', 'quantity'));
      if (quantity <= 0) throw fieldError(`item${i}Quantity`, `Dòng ${row}, số lượng phải lớn hơn 0.`, `Row ${row}, the quantity must be above 0.`);
      return {
        index: i,
        item: priceItem({
          name, quantity, unit,
          unitPriceVnd: optionalVnd(form, `item${i}UnitPrice`, label('đơn giá', 'unit price')),
          totalVnd: optionalVnd(form, `item${i}Total`, label('thành tiền', 'line total')),
        }, row, (part) => `item${i}${part}`),
      };
    });
}

// A house or commune typed in a form field, refused beside that field when it is unknown.
async function lookedUp<T>(field: string, find: () => Promise<T>): Promise<T> {
  try {
    return await find();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_found') throw new DomainError(400, 'invalid_field', error.message, error.messageEn, { field });
    throw error;
  }
}

// One delivery (a truck) in one form: each item goes to the house on its card, else to the form's house,
// else the commune holds it for its houses; goods beyond a house's need are held by the commune, not refused.
export async function inKindAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'in_kind.record', text(form, 'house') || text(form, 'commune') || null, async () => {
    const rows = itemsOf(form);
    if (rows.length === 0) throw fieldError('item0Name', 'Chưa nhập mặt hàng nào.', 'No item was entered.');
    const houses = new Map<string, HouseRef>();
    const houseIn = async (field: string): Promise<HouseRef | null> => {
      const code = text(form, field).toUpperCase();
      if (!code) return null;
      if (!houses.has(code)) houses.set(code, await lookedUp(field, () => houseByCode(ctx.db, code)));
      return houses.get(code)!;
    };
    const formHouse = await houseIn('house');
    const destinations: (HouseRef | null)[] = [];
    for (const { index } of rows) destinations.push((await houseIn(`item${index}House`)) ?? formHouse);
    const communeCode = text(form, 'commune');
    const firstHouse = destinations.find((h) => h !== null);
    if (!communeCode && !firstHouse) {
      throw fieldError('house', 'Nhập mã nhà nhận, hoặc mã xã giữ hàng cho các nhà.', 'Enter the receiving house, or the commune that holds the goods for its houses.');
    }
    const areaId = communeCode ? (await lookedUp('commune', () => areaByCode(ctx.db, communeCode))).id : firstHouse!.areaId;
    assertInScope(ctx, areaId);
    for (const house of houses.values()) assertInScope(ctx, house.areaId);
    const parts: { houseId: number | null; items: PricedItem[] }[] = [];
    rows.forEach(({ item }, i) => {
      const houseId = destinations[i]?.id ?? null;
      const part = parts.find((p) => p.houseId === houseId);
      if (part) part.items.push(item);
      else parts.push({ houseId, items: [item] });
    });
    const { result, replayed } = await recordShipment(ctx.db, {
      idempotencyKey: keyOf('in_kind', form),
      campaignId: firstHouse?.campaignId ?? await campaignId(ctx.db), areaId, parts,
      receivedAt: startOfDayVn(pastDate(form, 'receivedOn')),
      donor: donorOf(form),
    });
    const total = rows.reduce((sum, { item }) => sum + item.valueVnd, 0);
    const listed = parts.map((p, i) => {
      const items = p.items.map(describeItem).join('; ');
      const code = result.shares[i]!.houseCode;
      return code ? [`nhà ${code}: ${items}`, `house ${code}: ${items}`] : [`${result.communeName} giữ cho các nhà: ${items}`, `held by ${result.communeName} for its houses: ${items}`];
    });
    const surplus = result.shares.filter((s) => s.houseCode && s.surplusVnd > 0).map((s) => [
      ` Nhà ${s.houseCode} không còn thiếu đủ: ${formatVnd(s.surplusVnd)} hàng dư được ghi cho ${result.communeName} giữ cho các nhà.`,
      ` House ${s.houseCode} needed less: ${formatVnd(s.surplusVnd)} of surplus goods recorded as held by ${result.communeName} for its houses.`,
    ]);
    const [viNote, enNote] = returningNote(result);
    return {
      vi: `Đã ghi hiện vật trị giá ${formatVnd(total)} (biên nhận ${result.receiptCode}) — ${listed.map((l) => l[0]).join(' | ')}.${surplus.map((l) => l[0]).join('')}${viNote}`,
      en: `Recorded goods worth ${formatVnd(total)} (receipt ${result.receiptCode}) — ${listed.map((l) => l[1]).join(' | ')}.${surplus.map((l) => l[1]).join('')}${enNote}`,
      replayed, link: firstHouse ? `/staff/houses/${firstHouse.id}` : undefined,
      details: { receipt: result.receiptCode, valueVnd: total, entryId: result.entryId, surplusVnd: result.shares.reduce((sum, s) => sum + s.surplusVnd, 0) },
    };
  });
}

// The gift's target from the form: the general fund, a commune by code, or a house by code.
async function targetOf(ctx: ActionContext, form: Fields) {
  const kind = text(form, 'targetType');
  if (kind === 'house') {
    const house = await houseByCode(ctx.db, text(form, 'targetCode'));
    assertInScope(ctx, house.areaId);
    return { type: 'house' as const, houseId: house.id };
  }
  if (kind === 'commune') {
    const area = await areaByCode(ctx.db, text(form, 'targetCode'));
    assertInScope(ctx, area.id);
    return { type: 'commune' as const, areaId: area.id };
  }
  return { type: 'general' as const };
}

export async function officeCashAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'office_cash.record', text(form, 'receiptNo') || null, async () => {
    const receiptNo = text(form, 'receiptNo');
    if (!receiptNo) throw new DomainError(400, 'invalid_input', 'Cần số biên lai thu tiền.', 'The office receipt number is required.');
    const { result, replayed } = await recordCashContribution(ctx.db, {
      idempotencyKey: keyOf('office_cash', form),
      campaignId: await campaignId(ctx.db),
      channel: 'office',
      amountVnd: vnd(form, 'amount'),
      target: await targetOf(ctx, form),
      receivedAt: startOfDayVn(pastDate(form, 'receivedOn')),
      officeReceiptNo: receiptNo,
      donor: donorOf(form),
    });
    const [viNote, enNote] = returningNote(result);
    return {
      vi: `Đã ghi tiền mặt ${formatVnd(vnd(form, 'amount'))}, biên lai ${receiptNo}, mã đóng góp ${result.receiptCode}.${viNote}`,
      en: `Recorded ${formatVnd(vnd(form, 'amount'))} cash, receipt ${receiptNo}, contribution ${result.receiptCode}.${enNote}`,
      replayed, details: { receipt: result.receiptCode, officeReceiptNo: receiptNo, entryId: result.entryId },
    };
  });
}

export async function stateBudgetAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'state_budget.record', text(form, 'house') || null, async () => {
    const house = await houseByCode(ctx.db, text(form, 'house'));
    assertInScope(ctx, house.areaId);
    const { result, replayed } = await recordStateBudget(ctx.db, {
      idempotencyKey: keyOf('state_budget', form),
      campaignId: house.campaignId, houseId: house.id, amountVnd: vnd(form, 'amount'),
      programme: text(form, 'programme'), decisionRef: text(form, 'decisionRef'),
      receivedAt: startOfDayVn(pastDate(form, 'receivedOn')),
    });
    return {
      vi: `Đã ghi ngân sách nhà nước ${formatVnd(vnd(form, 'amount'))} cho nhà ${house.publicCode}.`,
      en: `Recorded ${formatVnd(vnd(form, 'amount'))} of state budget for house ${house.publicCode}.`,
      replayed, link: `/staff/houses/${house.id}`, details: { entryId: result.entryId },
    };
  });
}

// The commune or district paid a house's state support: the form records one payment from its document.
export async function statePaymentAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'state_payment.record', text(form, 'house') || null, async () => {
    const house = await houseByCode(ctx.db, text(form, 'house'));
    assertInScope(ctx, house.areaId);
    const amountVnd = vnd(form, 'amount');
    const { result, replayed } = await recordStatePayment(ctx.db, {
      houseId: house.id, amountVnd, paidOn: pastDate(form, 'paidOn'), documentRef: text(form, 'documentRef'),
      recordedBy: ctx.user.username, recordedAt: new Date(),
    });
    return {
      vi: `Đã ghi ngân sách nhà nước đã chi ${formatVnd(amountVnd)} cho hộ nhà ${house.publicCode}.`,
      en: `Recorded ${formatVnd(amountVnd)} of state support paid to the household of house ${house.publicCode}.`,
      replayed, link: `/staff/houses/${house.id}`, details: { entryId: result.entryId },
    };
  });
}

// The same payments from a file, all or nothing.
export async function importStatePaymentsAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const file = form.get('file');
  return logged(ctx, 'state_payment.import', typeof file === 'object' && file ? file.name : null, async () => {
    if (!file || typeof file === 'string' || file.size === 0) throw new DomainError(400, 'invalid_input', 'Hãy chọn tệp CSV.', 'Choose a CSV file.');
    const csv = new TextDecoder('utf-8', { fatal: false }).decode(await file.arrayBuffer());
    const result = await importStatePayments(ctx.db, csv, { recordedBy: ctx.user.username, communeIds: ctx.communeIds });
    return {
      vi: `Đã ghi ${result.recorded} khoản (${formatVnd(result.totalVnd)}); ${result.replayed} khoản đã có từ trước.`,
      en: `Recorded ${result.recorded} payments (${formatVnd(result.totalVnd)}); ${result.replayed} were already recorded.`,
      replayed: result.recorded === 0 && result.replayed > 0, details: { ...result },
    };
  });
}

export async function allocateAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'allocation.create', text(form, 'house') || null, async () => {
    const house = await lookedUp('house', () => houseByCode(ctx.db, text(form, 'house')));
    assertInScope(ctx, house.areaId);
    const { result, replayed } = await allocateFromPool(ctx.db, {
      idempotencyKey: keyOf('allocation', form),
      houseId: house.id,
      // The commune's pool serves only its own houses, so the pool is the house's commune or the general fund.
      fromAreaId: text(form, 'pool') === 'commune' ? house.areaId : null,
      amountVnd: vnd(form, 'amount'),
      decisionRef: text(form, 'decisionRef'),
      createdBy: ctx.user.username,
      occurredAt: new Date(),
    });
    return {
      vi: `Đã phân bổ ${formatVnd(vnd(form, 'amount'))} cho nhà ${house.publicCode} (bút toán #${result.entryId}).`,
      en: `Allocated ${formatVnd(vnd(form, 'amount'))} to house ${house.publicCode} (entry #${result.entryId}).`,
      replayed, link: `/staff/houses/${house.id}`, details: { entryId: result.entryId, amountVnd: vnd(form, 'amount') },
    };
  });
}

// The household head's full name (private): the usual recipient of a payment.
async function householdHead(db: Db, houseId: number): Promise<string> {
  const [row] = await db.select({ name: schema.households.headFullName }).from(schema.houses)
    .innerJoin(schema.households, eq(schema.households.id, schema.houses.householdId)).where(eq(schema.houses.id, houseId));
  return row!.name;
}

// The payment's recipient, method, source account, date and receipt are asked for in words and checked before
// the file is stored; the file is removed again if the proposal is refused.
export async function proposeDisbursementAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'disbursement.propose', text(form, 'house') || null, async () => {
    const house = await houseByCode(ctx.db, text(form, 'house'));
    assertInScope(ctx, house.areaId);
    const amountVnd = vnd(form, 'amount');
    const recipientName = text(form, 'recipient') === 'other' ? text(form, 'recipientName') : await householdHead(ctx.db, house.id);
    if (recipientName.length < 2) throw fieldError('recipientName', 'Ghi họ tên người nhận tiền (khi không phải chủ hộ).', 'Enter the name of whoever received the money (when not the household head).');
    const method = text(form, 'method');
    if (method !== 'cash' && method !== 'transfer') throw fieldError('method', 'Chọn hình thức chi: tiền mặt hoặc chuyển khoản.', 'Choose how it was paid: cash or bank transfer.');
    const sourceAccount = text(form, 'sourceAccount');
    if (sourceAccount.length < 2) throw fieldError('sourceAccount', 'Ghi tài khoản hoặc quỹ tiền mặt đã chi ra.', 'Enter the account or cash box the money came from.');
    const paidOn = pastDate(form, 'paidOn');
    const file = form.get('receipt');
    const receipt = await cleanReceipt(file && typeof file !== 'string' ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0));
    const stored = await storeReceipt(receipt);
    const receiptFile = stored.name;
    try {
      const { result, replayed } = await proposeDisbursement(ctx.db, {
        idempotencyKey: keyOf('disbursement', form),
        houseId: house.id, amountVnd, purpose: text(form, 'purpose'),
        recordedBy: ctx.user.username, recordedAt: new Date(),
        recipientName, method, sourceAccount, paidOn, receiptFile, receiptKind: receipt.kind,
      });
      const how = paymentMethodNames[method];
      return {
        vi: `Đã ghi đề nghị chi #${result.disbursementId} ${formatVnd(amountVnd)} cho nhà ${house.publicCode} (${how[0]}, người nhận ${initialsOf(recipientName)}, ngày ${formatDate(paidOn)}); khoản chi chỉ được ghi sổ sau khi một người khác duyệt.`,
        en: `Payment #${result.disbursementId} of ${formatVnd(amountVnd)} for house ${house.publicCode} proposed (${how[1]}, received by ${initialsOf(recipientName)} on ${formatDate(paidOn)}); it posts only once someone else approves it.`,
        replayed, link: `/staff/disbursements/${result.disbursementId}`, details: { disbursementId: result.disbursementId, method, receiptKind: receipt.kind },
      };
    } catch (error) {
      if (stored.created) await removeReceipt(receiptFile);
      throw error;
    }
  });
}

export const REJECT_REASON_MIN = 10;

export async function decideDisbursementAction(ctx: ActionContext, form: Fields, disbursementId: number): Promise<Done> {
  const approve = text(form, 'decision') === 'approve';
  return logged(ctx, approve ? 'disbursement.approve' : 'disbursement.reject', `disbursement:${disbursementId}`, async () => {
    const reason = optionalText(form, 'reason') ?? undefined;
    if (!approve && (reason?.length ?? 0) < REJECT_REASON_MIN) {
      throw fieldError('reason', `Từ chối cần lý do bằng lời (ít nhất ${REJECT_REASON_MIN} ký tự), để người ghi biết phải sửa gì.`,
        `A rejection needs a reason in words (at least ${REJECT_REASON_MIN} characters), so the recorder knows what to correct.`);
    }
    const [payment] = await ctx.db.select({ areaId: schema.houses.areaId }).from(schema.disbursements)
      .innerJoin(schema.houses, eq(schema.houses.id, schema.disbursements.houseId)).where(eq(schema.disbursements.id, disbursementId));
    if (payment) assertInScope(ctx, payment.areaId);
    const { result, replayed } = await decideDisbursement(ctx.db, {
      idempotencyKey: keyOf('decision', form),
      disbursementId, decidedBy: ctx.user.username, decidedAt: new Date(), approve, reason,
    });
    return result.status === 'approved'
      ? { vi: `Đã duyệt khoản chi #${disbursementId}; đã ghi sổ (bút toán #${result.entryId}).`, en: `Payment #${disbursementId} approved and posted (entry #${result.entryId}).`, replayed, details: { entryId: result.entryId } }
      : { vi: `Đã từ chối khoản chi #${disbursementId}: ${reason}`, en: `Payment #${disbursementId} rejected: ${reason}`, replayed, details: { reason } };
  });
}

export async function reverseAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const entryId = integer(form, 'entryId');
  return logged(ctx, 'entry.reverse', `entry:${entryId}`, async () => {
    const { result, replayed } = await reverseEntry(ctx.db, {
      idempotencyKey: keyOf('reversal', form),
      entryId, reason: text(form, 'reason'), requestedBy: ctx.user.username, occurredAt: new Date(),
    });
    return {
      vi: `Đã đảo bút toán #${result.reversesEntryId} bằng bút toán #${result.entryId}.`,
      en: `Entry #${result.reversesEntryId} reversed by entry #${result.entryId}.`,
      replayed, details: { reversalEntryId: result.entryId, reason: text(form, 'reason') },
    };
  });
}

// A recorder says in words what is wrong with an entry; an approver decides on the corrections page.
export async function requestCorrectionAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const entryId = integer(form, 'entryId');
  return logged(ctx, 'correction.request', `entry:${entryId}`, async () => {
    // Scope is checked on entries a request could be filed for; an unknown entry or a reversal is refused by the domain.
    const [exists] = Number.isSafeInteger(entryId) ? await ctx.db.select({ kind: schema.journalEntries.kind }).from(schema.journalEntries).where(eq(schema.journalEntries.id, entryId)) : [];
    if (exists && exists.kind !== 'reversal' && !(await entriesInScope(ctx.db, [entryId], { communeIds: ctx.communeIds, username: ctx.user.username })).has(entryId)) assertInScope(ctx, null);
    const result = await fileCorrectionRequest(ctx.db, { entryId, whatIsWrong: text(form, 'whatIsWrong'), requestedBy: ctx.user.username });
    return {
      vi: `Đã gửi yêu cầu điều chỉnh #${result.requestId} cho bút toán #${entryId}; chờ người phê duyệt.`,
      en: `Correction request #${result.requestId} for entry #${entryId} filed; waiting for an approver.`,
      link: `/staff/corrections?entry=${entryId}`, details: { requestId: result.requestId, whatIsWrong: text(form, 'whatIsWrong') },
    };
  });
}

// Approve (posts the reversal) or refuse, with a reason either way; never one's own request.
export async function decideCorrectionAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const requestId = integer(form, 'requestId');
  const decision = text(form, 'decision');
  return logged(ctx, 'correction.decide', `correction:${requestId}`, async () => {
    const { result, replayed } = await decideCorrectionRequest(ctx.db, {
      idempotencyKey: keyOf('correction', form), requestId, decision, reason: text(form, 'reason'), decidedBy: ctx.user.username, occurredAt: new Date(),
    });
    const done = result.reversalEntryId === null
      ? { vi: `Đã từ chối yêu cầu điều chỉnh #${requestId}.`, en: `Correction request #${requestId} refused.` }
      : { vi: `Đã duyệt yêu cầu #${requestId}: bút toán #${result.entryId} được đảo bằng #${result.reversalEntryId}.`, en: `Request #${requestId} approved: entry #${result.entryId} reversed by #${result.reversalEntryId}.` };
    return { ...done, replayed, details: { status: result.status, entryId: result.entryId, reversalEntryId: result.reversalEntryId, reason: text(form, 'reason') } };
  });
}

export async function advanceStageAction(ctx: ActionContext, form: Fields, houseId: number): Promise<Done> {
  return logged(ctx, 'house.stage', `house:${houseId}`, async () => {
    const [house] = await ctx.db.select({ areaId: schema.houses.areaId }).from(schema.houses).where(eq(schema.houses.id, houseId));
    if (!house) throw notFound(`nhà #${houseId}`, `House #${houseId}`);
    assertInScope(ctx, house.areaId);
    const input = { houseId, stage: text(form, 'stage'), on: pastDate(form, 'on'), reason: optionalText(form, 'reason') ?? undefined };
    const { result, replayed } = await once(ctx.db, keyOf('stage', form), input, (db) => advanceStage(db, input));
    const why = result.fundedReason ? [` Lý do khi chưa đủ theo sổ cái: ${result.fundedReason}`, ` Reason while the ledger is short: ${result.fundedReason}`] : ['', ''];
    return { vi: `Đã chuyển nhà sang giai đoạn "${stageNames[result.stage][0]}".${why[0]}`, en: `House moved to "${stageNames[result.stage][1]}".${why[1]}`, replayed, details: input };
  });
}

export { stageNames };

// Communes a form may offer: a recorder's own, everyone else's all.
export async function communesFor(ctx: Pick<ActionContext, 'db' | 'communeIds'>) {
  const rows = await queryRows<{ id: number; code: string; name: string; district: string | null }>(ctx.db, sql`
    SELECT c.id, c.code, c.name, d.name AS district FROM areas c LEFT JOIN areas d ON d.id = c.parent_id
    WHERE c.level = 'commune' ORDER BY d.name, c.name`);
  return rows.filter((r) => ctx.communeIds === null || ctx.communeIds.has(Number(r.id)));
}

export async function uploadPhotoAction(ctx: ActionContext, form: Fields, houseId: number): Promise<Done> {
  return logged(ctx, 'photo.upload', `house:${houseId}`, async () => {
    const [house] = await ctx.db.select({ areaId: schema.houses.areaId }).from(schema.houses).where(eq(schema.houses.id, houseId));
    if (!house) throw notFound(`nhà #${houseId}`, `House #${houseId}`);
    assertInScope(ctx, house.areaId);
    const file = form.get('photo');
    if (!file || typeof file === 'string' || file.size === 0) {
      throw new DomainError(400, 'invalid_input', 'Hãy chọn một tệp ảnh.', 'Choose a photo file.');
    }
    const stage = stageInput.shape.stage.or(z.literal('approved')).safeParse(text(form, 'stage'));
    if (!stage.success) throw new DomainError(400, 'invalid_input', 'Giai đoạn không hợp lệ.', 'Unknown stage.');
    const bytes = Buffer.from(await file.arrayBuffer());
    const request = { houseId, stage: stage.data, sha256: photoHash(bytes) };
    const photo = await cleanPhoto(bytes);
    const hashes = { sourceSha256: request.sha256, pixelHash: await pixelHash(bytes) };
    // The same picture for two houses (or twice for one) is how a progress photo gets reused: say so first.
    // Checked inside the submission's transaction, so a resent form replays instead of warning about itself.
    let same: SamePhoto[] = [];
    const { result, replayed } = await once(ctx.db, keyOf('photo', form), request, async (db) => {
      same = await samePhotos(db, hashes);
      if (same.length > 0 && !checkbox(form, 'confirmSamePhoto')) {
        const list = same.map((p) => `${p.publicCode} (${stageNames[p.stage as keyof typeof stageNames][0]}, ${formatDate(p.createdAt)}, ${p.createdBy})`).join('; ');
        throw new DomainError(409, 'duplicate_photo', `Ảnh này trùng với ảnh đã tải lên: ${list}. Nếu đúng là ảnh của nhà này, đánh dấu "Vẫn tải ảnh này" và chọn lại tệp.`,
          `This picture was already uploaded: ${list}. If it really belongs to this house, tick "Upload it anyway" and choose the file again.`,
          { field: 'photo', existing: same.map((p) => ({ vi: `Nhà ${p.publicCode}`, en: `House ${p.publicCode}`, link: `/staff/houses/${p.houseId}` })) });
      }
      return storePhoto(db, { houseId, stage: stage.data, photo, createdBy: ctx.user.username, ...hashes });
    });
    return {
      vi: `Đã tải ảnh lên (${result.width}×${result.height}, đã xóa toàn bộ siêu dữ liệu).`, en: `Photo uploaded (${result.width}×${result.height}, all metadata removed).`,
      replayed, details: { photo: result.storedName, stage: stage.data, sourceBytes: bytes.length, sameAs: same.map((p) => p.publicCode) },
    };
  });
}

// A correction of who gave, not of money: two records of one donor are counted as one, and it can be undone.
export async function mergeDonorsAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const input = { fromId: integer(form, 'fromId'), intoId: integer(form, 'intoId') };
  return logged(ctx, 'donor.merge', `donor:${input.fromId}`, async () => {
    const reason = text(form, 'reason');
    if (reason.length < 3) throw fieldError('reason', 'Cần ghi lý do gộp (ví dụ: cùng mã số thuế).', 'A reason for the merge is required.');
    const { result, replayed } = await once(ctx.db, keyOf('donor.merge', form), { ...input, reason }, (db) => mergeDonors(db, input));
    return {
      vi: `Đã gộp người ủng hộ #${result.fromId} (${result.fromName}, ${result.gifts} khoản) vào #${result.intoId} (${result.intoName}). Có thể hoàn tác.`,
      en: `Donor #${result.fromId} (${result.fromName}, ${result.gifts} gifts) merged into #${result.intoId} (${result.intoName}). This can be undone.`,
      replayed, link: '/staff/donors', details: { ...result, reason },
    };
  });
}

export async function unmergeDonorAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const donorId = integer(form, 'donorId');
  return logged(ctx, 'donor.unmerge', `donor:${donorId}`, async () => {
    const reason = text(form, 'reason');
    if (reason.length < 3) throw fieldError('reason', 'Cần ghi lý do hoàn tác.', 'A reason to undo the merge is required.');
    const { result, replayed } = await once(ctx.db, keyOf('donor.unmerge', form), { donorId, reason }, (db) => unmergeDonor(db, donorId));
    return {
      vi: `Đã hoàn tác: người ủng hộ #${result.donorId} không còn gộp vào #${result.wasMergedInto}.`,
      en: `Undone: donor #${result.donorId} is no longer merged into #${result.wasMergedInto}.`,
      replayed, link: '/staff/donors', details: { ...result, reason },
    };
  });
}

export const accountChangeNames = {
  unlock: ['mở khóa', 'Unlocked'], disable: ['vô hiệu hóa', 'Disabled'], enable: ['kích hoạt lại', 'Enabled'], end_sessions: ['đăng xuất mọi nơi', 'Ended every session of'],
} as const;

export async function manageAccountAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const username = text(form, 'username');
  const change = text(form, 'change');
  return logged(ctx, `account.${change}`, `user:${username}`, async () => {
    if (!['unlock', 'disable', 'enable', 'end_sessions'].includes(change)) throw new DomainError(400, 'invalid_input', 'Thao tác không hợp lệ.', 'Unknown action.');
    if (username === ctx.user.username && change === 'disable') {
      throw new DomainError(409, 'self_disable', 'Không thể tự khóa tài khoản của mình.', 'You cannot disable your own account.');
    }
    await manageAccount(ctx.db, username, change as 'unlock');
    const [vi, en] = accountChangeNames[change as keyof typeof accountChangeNames];
    return { vi: `Đã ${vi} tài khoản ${username}.`, en: `${en} account ${username}.` };
  });
}

const areaCodesOf = (form: Fields) => text(form, 'areas').split(/[\s,;]+/).filter(Boolean);

// The accounts page's forms: add an account, set its role and areas, set a new password, or one of the
// switches above (unlock, disable, enable, end sessions).
export async function accountsAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const change = text(form, 'change');
  const username = text(form, 'username').toLowerCase();
  if (change === 'create') {
    return logged(ctx, 'account.create', `user:${username}`, async () => {
      const user = await saveStaffUser(ctx.db, { username, displayName: text(form, 'displayName'), role: text(form, 'role'), areaCodes: areaCodesOf(form), password: text(form, 'password') }, { actor: ctx.user.username, loggedByCaller: true });
      return { vi: `Đã tạo tài khoản ${user.username} (${roleNames[user.role][0]}). Hãy trao mật khẩu tạm trực tiếp cho người dùng.`, en: `Account ${user.username} created (${roleNames[user.role][1]}). Hand the temporary password over in person.`, details: { role: user.role, areaCodes: areaCodesOf(form) } };
    });
  }
  if (change === 'access') {
    return logged(ctx, 'account.access', `user:${username}`, async () => {
      const user = await setAccess(ctx.db, username, { role: text(form, 'role'), areaCodes: areaCodesOf(form) });
      return { vi: `Đã đặt vai trò ${roleNames[user.role][0]} cho ${user.username}; các phiên đăng nhập của tài khoản đã kết thúc.`, en: `${user.username} is now ${roleNames[user.role][1]}; the account's sessions were ended.`, details: { role: user.role, areaCodes: areaCodesOf(form) } };
    });
  }
  if (change === 'reset') {
    return logged(ctx, 'account.reset', `user:${username}`, async () => {
      const [user] = await ctx.db.select().from(schema.staffUsers).where(eq(schema.staffUsers.username, username));
      if (!user) throw notFound(`tài khoản "${username}"`, `Account "${username}"`);
      const codes = user.areaIds.length === 0 ? [] : (await ctx.db.select({ code: schema.areas.code }).from(schema.areas).where(inArray(schema.areas.id, user.areaIds))).map((a) => a.code);
      await saveStaffUser(ctx.db, { username, displayName: user.displayName, role: user.role, areaCodes: codes, password: text(form, 'password') }, { reset: true, actor: ctx.user.username, loggedByCaller: true });
      return { vi: `Đã đặt mật khẩu mới cho ${username} và mở khóa tài khoản.`, en: `New password set for ${username}; the account is unlocked.` };
    });
  }
  return manageAccountAction(ctx, form);
}

// The reporting units (districts, and communes with no district) with their targets, for the report page's form.
export async function reportingUnits(db: Db) {
  return queryRows<{ id: number; code: string; name: string; target_houses: number | null }>(db, sql`
    SELECT a.id, a.code, a.name, a.target_houses FROM areas a LEFT JOIN areas p ON p.id = a.parent_id
    WHERE a.level = 'district' OR (a.level = 'commune' AND (p.id IS NULL OR p.level <> 'district')) ORDER BY a.code`);
}

// An administrator sets each district's target in houses (empty clears it); every number is checked before any is saved.
export async function setTargetsAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'area.targets', null, async () => {
    const units = await reportingUnits(ctx.db);
    const wanted = units.map((u) => {
      const field = `target-${u.code}`;
      const value = text(form, field) ? count(form, field, [`Mục tiêu của ${u.name}`, `${u.name}'s target`]) : null;
      if (value === 0) throw fieldError(field, `Mục tiêu của ${u.name} phải lớn hơn 0 (để trống nếu chưa có).`, `${u.name}'s target must be above 0 (leave it empty if there is none).`);
      return { ...u, value };
    });
    const changed = wanted.filter((u) => (u.target_houses === null ? null : Number(u.target_houses)) !== u.value);
    for (const u of changed) await ctx.db.update(schema.areas).set({ targetHouses: u.value }).where(eq(schema.areas.id, Number(u.id)));
    return {
      vi: changed.length ? `Đã lưu mục tiêu: ${changed.map((u) => `${u.name} ${u.value === null ? 'không đặt' : `${formatCount(u.value)} nhà`}`).join('; ')}.` : 'Không có mục tiêu nào thay đổi.',
      en: changed.length ? `Targets saved: ${changed.map((u) => `${u.name} ${u.value === null ? 'none' : `${formatCount(u.value, 'en')} houses`}`).join('; ')}.` : 'No target changed.',
      details: { targets: Object.fromEntries(changed.map((u) => [u.code, u.value])) },
    };
  });
}

export async function importHouseholdsAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const file = form.get('file');
  return logged(ctx, 'households.import', typeof file === 'object' && file ? file.name : null, async () => {
    if (!file || typeof file === 'string' || file.size === 0) throw new DomainError(400, 'invalid_input', 'Hãy chọn tệp CSV.', 'Choose a CSV file.');
    const csv = new TextDecoder('utf-8', { fatal: false }).decode(await file.arrayBuffer());
    const result = await importHouseholds(ctx.db, csv, { idempotencyKey: keyOf('import', form), communeIds: ctx.communeIds });
    return {
      vi: `Đã nhập ${result.imported} hộ: ${result.houseCodes.join(', ')}.`, en: `Imported ${result.imported} households.`,
      replayed: result.replayed, details: { imported: result.imported, first: result.houseCodes[0], last: result.houseCodes.at(-1) },
    };
  });
}

// Reads the reviewer's decision: a pledge's receipt code, a commune's pool (within the approver's areas),
// the general fund, or a note only.
async function resolutionOf(ctx: ActionContext, form: Fields): Promise<Resolution> {
  const how = text(form, 'how');
  if (how === 'pledge') return { how, receiptCode: text(form, 'receiptCode'), acceptAmountVnd: optionalVnd(form, 'acceptAmount') ?? null };
  if (how === 'general_fund') return { how, donorName: optionalText(form, 'donorName') };
  if (how === 'commune_pool') {
    const commune = await lookedUp('commune', () => areaByCode(ctx.db, text(form, 'commune')));
    if (commune.level !== 'commune') throw fieldError('commune', `${commune.name} không phải là xã: hãy chọn một xã.`, `${commune.name} is not a commune: choose a commune.`);
    assertInScope(ctx, commune.id);
    return { how, areaId: commune.id, donorName: optionalText(form, 'donorName') };
  }
  if (how === 'note') return { how };
  throw new DomainError(400, 'invalid_input', 'Hãy chọn cách xử lý.', 'Choose how to resolve the item.');
}

export async function resolveReviewAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const reviewId = integer(form, 'reviewId');
  return logged(ctx, 'payment_review.resolve', `payment_review:${reviewId}`, async () => {
    if (!Number.isSafeInteger(reviewId)) throw new DomainError(400, 'invalid_input', 'Thiếu mục đối soát.', 'The review item is missing.');
    const resolution = await resolutionOf(ctx, form);
    const note = optionalText(form, 'note');
    if (note && note.length > 500) throw new DomainError(400, 'invalid_input', 'Ghi chú quá dài (tối đa 500 ký tự).', 'The note is too long (500 characters at most).');
    const { result, replayed } = await runOnce(ctx.db, keyOf('payment_review', form), { reviewId, resolution, note },
      (tx) => resolveReview(tx, reviewId, resolution, { username: ctx.user.username, note, at: new Date() }));
    const posted = result.contributionId !== null;
    // The rulebook decided how much the commune's pool could take; the message says where each part went.
    const commune = resolution.how === 'commune_pool' ? (await areaById(ctx.db, resolution.areaId))?.name ?? '' : null;
    const split = commune === null || !result.split ? [' vào quỹ chung', ' to the general fund']
      : result.split.generalVnd === 0 ? [` vào quỹ của ${commune}`, ` to the pool of ${commune}`]
        : result.split.communeVnd === 0 ? [` vào quỹ chung (các nhà của ${commune} không còn thiếu)`, ` to the general fund (the houses of ${commune} lack nothing)`]
          : [`: ${formatVnd(result.split.communeVnd)} vào quỹ của ${commune} (số các nhà của xã còn thiếu), ${formatVnd(result.split.generalVnd)} vào quỹ chung`,
            `: ${formatVnd(result.split.communeVnd)} to the pool of ${commune} (what its houses still lack), ${formatVnd(result.split.generalVnd)} to the general fund`];
    const [vi, en] = !posted ? ['đã đóng, không ghi sổ', 'closed, nothing posted']
      : result.how === 'pledge' ? [`đã ghi ${formatVnd(result.amountVnd ?? 0)} cho cam kết ${result.receiptCode}`, `${formatVnd(result.amountVnd ?? 0)} posted to pledge ${result.receiptCode}`]
        : [`đã ghi ${formatVnd(result.amountVnd ?? 0)}${split[0]} (biên nhận ${result.receiptCode})`, `${formatVnd(result.amountVnd ?? 0)} posted${split[1]} (receipt ${result.receiptCode})`];
    return { vi: `Mục #${reviewId}: ${vi}.`, en: `Item #${reviewId}: ${en}.`, replayed, details: { ...result, note } };
  });
}

// What the publish page says after the click (it redirects there, so a reload sends nothing).
export const publishStarted = {
  now: {
    vi: 'Đã bắt đầu xuất bản. Trang công khai hiện tại vẫn được phục vụ cho đến khi bản mới hoàn tất; tải lại trang này để xem tiến độ.',
    en: 'Publishing has started. The current public site stays served until the new one is complete; reload this page to see progress.',
  },
  again: {
    vi: 'Biểu mẫu này đã được gửi: lần xuất bản nó bắt đầu đang chạy hoặc đã xong; không bắt đầu lần thứ hai.',
    en: 'This form was already sent: the publish it started is running or done; no second one was started.',
  },
} as const;

// Publishing only reads: no idempotency key is needed; a second click while one runs is refused, and the
// same form sent again is told the publish it started is under way.
export async function publishAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'site.publish', null, async () => {
    const { replayed } = startPublish(ctx.db, ctx.user.username, ctx.ip, undefined, submissionId(form));
    return { ...publishStarted[replayed ? 'again' : 'now'], replayed, link: '/staff/publish' };
  });
}

// A dead or retrying email goes back to the front of the outbox, its attempts reset.
export async function resendMailAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const id = integer(form, 'messageId');
  return logged(ctx, 'mail.resend', `mail:${id}`, async () => {
    if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError(400, 'invalid_input', 'Thiếu thư cần gửi lại.', 'The message to resend is missing.');
    if (!(await resendMessage(ctx.db, id))) {
      throw new DomainError(409, 'not_resendable', `Thư #${id} không ở trạng thái thất bại hoặc đang thử lại (hoặc email đã bị xoá).`, `Message #${id} is not failed or retrying (or its address was erased).`);
    }
    return { vi: `Thư #${id} sẽ được gửi lại ngay.`, en: `Message #${id} will be sent again now.` };
  });
}

// Office cash carried to the bank, by its deposit slip: cash_office to cash_bank once per slip
// (the same slip again is a no-op); the bank's statement credit then finds it by amount and date.
export async function bankDepositAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'bank_deposit.record', text(form, 'slipNo') || null, async () => {
    const slipNo = text(form, 'slipNo');
    const amountVnd = vnd(form, 'amount');
    const { result, replayed } = await recordCashTransfer(ctx.db, {
      kind: 'deposit', reference: slipNo, amountVnd, occurredAt: startOfDayVn(pastDate(form, 'depositedOn')), recordedBy: ctx.user.username,
    });
    return {
      vi: `Đã ghi nộp ${formatVnd(amountVnd)} tiền mặt vào ngân hàng, giấy nộp tiền ${slipNo} (bút toán #${result.entryId}).`,
      en: `Recorded ${formatVnd(amountVnd)} of office cash deposited at the bank, slip ${slipNo} (entry #${result.entryId}).`,
      replayed, details: { slipNo, entryId: result.entryId },
    };
  });
}

// The bank account's balance on the day the fund starts using An Cư, from the bank's statement: posted once
// as the general fund's first money in the bank, so the monthly reconciliation starts from the bank's figure.
export async function openingBalanceAction(ctx: ActionContext, form: Fields): Promise<Done> {
  return logged(ctx, 'opening_balance.record', 'cash_bank', async () => {
    const amountVnd = vnd(form, 'amount');
    const asOf = pastDate(form, 'asOf');
    const { result, replayed } = await recordOpeningBalance(ctx.db, { amountVnd, asOf: startOfDayVn(asOf), recordedBy: ctx.user.username });
    return {
      vi: `Đã ghi số dư đầu kỳ của tài khoản ngân hàng: ${formatVnd(amountVnd)} ngày ${formatDate(asOf)} (bút toán #${result.entryId}).`,
      en: `Recorded the bank account's opening balance: ${formatVnd(amountVnd, 'en')} on ${formatDate(asOf)} (entry #${result.entryId}).`,
      replayed, details: { amountVnd, asOf, entryId: result.entryId },
    };
  });
}

// The route admits administrators only; the handler checks again, so no other caller can reach it.
function assertMayWithdraw(ctx: ActionContext): void {
  if (can(ctx.user.role, 'publication.withdraw')) return;
  throw new DomainError(403, 'forbidden', 'Chỉ quản trị viên được rút hoặc công bố tên.', 'Only an administrator may withdraw or publish a name.');
}

// A donor asked to become anonymous: their name leaves every published record; the chain still verifies.
export async function withdrawDonorNameAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const donorId = integer(form, 'donorId');
  return logged(ctx, 'donor.withdraw_name', `donor:${donorId}`, async () => {
    assertMayWithdraw(ctx);
    const { result, replayed } = await withdrawDonorName(ctx.db, { idempotencyKey: keyOf('donor.withdraw_name', form), donorId, requestedBy: ctx.user.username, occurredAt: new Date() });
    return {
      vi: `Người ủng hộ #${donorId} nay là "Nhà hảo tâm"; ${result.withdrawn} bản ghi công khai đã rút tên và được ghi lại. Tên sẽ biến mất khỏi trang công khai ở lần xuất bản tới.`,
      en: `Donor #${donorId} is now anonymous; ${result.withdrawn} public record(s) withdrawn and committed again. The name leaves the public site at the next publish.`,
      replayed, link: '/staff/withdrawals', details: result,
    };
  });
}

// A household that did not consent at registration now consents, in writing: the head's full name from now on.
export async function giveConsentAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const code = text(form, 'houseCode').toUpperCase();
  return logged(ctx, 'household.give_consent', `house:${code}`, async () => {
    assertMayWithdraw(ctx);
    const house = await houseByCode(ctx.db, code);
    const { result, replayed } = await giveHeadNameConsent(ctx.db, { idempotencyKey: keyOf('household.give_consent', form), houseId: house.id, requestedBy: ctx.user.username, occurredAt: new Date() });
    return {
      vi: result.committed ? `Nhà ${house.publicCode}: hộ đồng ý công bố họ tên chủ hộ; họ tên hiện trên trang công khai ở lần xuất bản tới.` : `Nhà ${house.publicCode} đã công bố họ tên chủ hộ; không có gì thay đổi.`,
      en: result.committed ? `House ${house.publicCode}: the household consents; the head's full name is shown from the next publish.` : `House ${house.publicCode} already showed the full name; nothing changed.`,
      replayed, link: '/staff/withdrawals', details: { houseCode: house.publicCode, ...result },
    };
  });
}

// A household withdrew its consent to show the head's full name: initials from now on.
export async function withdrawConsentAction(ctx: ActionContext, form: Fields): Promise<Done> {
  const code = text(form, 'houseCode').toUpperCase();
  return logged(ctx, 'household.withdraw_consent', `house:${code}`, async () => {
    assertMayWithdraw(ctx);
    const house = await houseByCode(ctx.db, code);
    const { result, replayed } = await withdrawHeadNameConsent(ctx.db, { idempotencyKey: keyOf('household.withdraw_consent', form), houseId: house.id, requestedBy: ctx.user.username, occurredAt: new Date() });
    return {
      vi: result.withdrawn ? `Nhà ${house.publicCode}: họ tên chủ hộ đã rút khỏi công bố, chỉ còn chữ cái đầu.` : `Nhà ${house.publicCode} vốn chỉ công bố chữ cái đầu; không có gì phải rút.`,
      en: result.withdrawn ? `House ${house.publicCode}: the head's full name is withdrawn; initials only.` : `House ${house.publicCode} already showed initials only; nothing to withdraw.`,
      replayed, link: '/staff/withdrawals', details: { houseCode: house.publicCode, ...result },
    };
  });
}
