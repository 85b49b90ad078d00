// Every input the domain accepts, as zod schemas: anything else is refused before it touches the ledger.
import { z } from 'zod';
import { freeText } from './text';

// A national campaign's largest single gift stays far below this; it keeps sums exact in a JS number.
export const MAX_AMOUNT_VND = 1_000_000_000_000;

export const amountVnd = z
  .number({ invalid_type_error: 'Số tiền phải là số / The amount must be a number' })
  .int('Số tiền phải là số đồng nguyên / The amount must be whole đồng')
  .positive('Số tiền phải lớn hơn 0 / The amount must be above zero')
  .max(MAX_AMOUNT_VND, 'Số tiền quá lớn / The amount is too large');

export const idempotencyKey = freeText(6, 200);
export const id = z.number().int().positive();
const staffName = freeText(1, 100);
const publicText = freeText(1, 300);
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày phải có dạng yyyy-mm-dd / Dates are yyyy-mm-dd');

// Phones as people write them ("0912 345 678", "+84 912.345.678") stored one way ("0912345678"),
// so the same number always compares equal; other countries keep their "+".
export function normalisePhone(typed: string): string {
  const compact = typed.trim().replace(/[\s.\-()]/g, '');
  return compact.replace(/^\+84/, '0').replace(/^0084/, '0');
}
const phoneNumber = z.string().transform(normalisePhone)
  .pipe(z.string().regex(/^(0\d{9,10}|\+\d{9,14})$/, 'Số điện thoại không hợp lệ (ví dụ 0912 345 678 hoặc +84 912 345 678) / Invalid phone number'));

export const houseType = z.enum(['new_build', 'repair']);
export const fundingSource = z.enum(['central_campaign', 'national_target_programme']);

export const campaignInput = z.object({
  code: freeText(2, 40),
  name: publicText,
  targetHouses: z.number().int().positive(),
  baseline: z.object({
    poorHouseholds: z.number().int().nonnegative(),
    nearPoorHouseholds: z.number().int().nonnegative(),
    poorLackingQuality: z.number().int().nonnegative(),
    nearPoorLackingQuality: z.number().int().nonnegative(),
    poorLackingArea: z.number().int().nonnegative(),
    nearPoorLackingArea: z.number().int().nonnegative(),
    alreadyHelped: z.number().int().nonnegative(),
    resolution: publicText,
  }),
  supportLevels: z.record(fundingSource, z.object({ new_build: amountVnd, repair: amountVnd })),
  labourDayRateVnd: amountVnd,
  startsOn: isoDate,
  endsOn: isoDate,
  isDemo: z.boolean().default(false),
});

export const areaInput = z.object({
  code: freeText(1, 40),
  name: publicText,
  level: z.enum(['province', 'district', 'commune']),
  parentId: id.nullable(),
  newCommuneName: publicText.nullable().default(null),
  newProvinceName: publicText.nullable().default(null),
  labourDayRateVnd: amountVnd.nullable().default(null),
});

export const householdInput = z.object({
  headFullName: freeText(2, 120),
  publishFullName: z.boolean().default(false),
  nationalId: z.string().trim().regex(/^\d{9}(\d{3})?$/, 'Số CCCD/CMND gồm 9 hoặc 12 chữ số / ID numbers have 9 or 12 digits').nullable().default(null),
  phone: phoneNumber.nullable().default(null),
  address: freeText(0, 300).nullable().default(null),
  povertyStatus: z.enum(['poor', 'near_poor']),
  /** The housing criterion failed, as recorded at the selection meeting (optional for older records). */
  housingNeed: z.enum(['quality', 'area']).nullable().default(null),
  members: z.number().int().min(1).max(30),
});

export const houseProjectInput = z.object({
  campaignId: id,
  areaId: id,
  household: householdInput,
  type: houseType,
  source: fundingSource.default('central_campaign'),
  /** Defaults to the campaign's support level for the type and source. */
  budgetVnd: amountVnd.optional(),
  minutesRef: publicText,
  approvedOn: isoDate,
  /** The recorder checked that a household with the same name in the commune is another family. */
  confirmedNotDuplicate: z.boolean().default(false),
});

export const stages = ['approved', 'funded', 'under_construction', 'completed', 'handed_over'] as const;
export type Stage = (typeof stages)[number];

export const stageInput = z.object({
  houseId: id,
  stage: z.enum(['funded', 'under_construction', 'completed', 'handed_over']),
  on: isoDate,
  /** Why a house is funded before the ledger holds its whole budget; refused without one. */
  reason: freeText(0, 300).optional(),
});

export const donorInput = z.object({
  kind: z.enum(['individual', 'business', 'organisation']),
  displayName: freeText(1, 120).nullable().default(null),
  anonymous: z.boolean().default(false),
  email: z.string().trim().max(200).email('Email không hợp lệ / Invalid email').nullable().default(null),
  phone: phoneNumber.nullable().default(null),
  taxCode: z.string().trim().regex(/^\d{10}(-\d{3})?$/, 'Mã số thuế không hợp lệ / Invalid tax code').nullable().default(null),
}).refine((d) => d.anonymous || d.displayName !== null, {
  message: 'Cần tên hiển thị hoặc chọn ẩn danh / A display name or anonymity is required',
});

export const giftTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('house'), houseId: id }),
  z.object({ type: z.literal('commune'), areaId: id }),
  z.object({ type: z.literal('general') }),
]);

export const donorRef = z.union([z.object({ donorId: id }), z.object({ donor: donorInput })]);

export const cashContributionInput = z.object({
  idempotencyKey,
  campaignId: id,
  channel: z.enum(['card', 'bank_transfer', 'office']),
  amountVnd,
  feeVnd: z.number().int().nonnegative().default(0),
  target: giftTarget,
  receivedAt: z.coerce.date(),
  receiptCode: z.string().regex(/^AC[0-9A-Z]{8}$/).optional(),
  officeReceiptNo: freeText(0, 60).optional(),
}).and(donorRef).refine((c) => c.feeVnd < c.amountVnd, { message: 'Phí phải nhỏ hơn số tiền / The fee must be below the amount' });

// One line of goods: what, how many of which unit, and its valuation.
export const inKindItem = z.object({
  name: freeText(1, 120),
  quantity: z.number().positive().max(1e9),
  unit: freeText(1, 30),
  /** The unit price typed or computed ("Đơn giá"); the value is the line total ("Thành tiền"). */
  unitPriceVnd: amountVnd.optional(),
  valueVnd: amountVnd,
});

export const inKindInput = z.object({
  idempotencyKey,
  campaignId: id,
  houseId: id,
  items: z.array(inKindItem).min(1).max(100),
  receivedAt: z.coerce.date(),
}).and(donorRef);

// Who sent the people of a labour record (a closed list; the database CHECKs the same one), in words.
export const labourUnits = ['army', 'youth_union', 'womens_union', 'neighbours', 'other'] as const;
export type LabourUnit = (typeof labourUnits)[number];
export const labourUnitNames: Record<LabourUnit, [string, string]> = {
  army: ['Quân đội và biên phòng', 'Army and border guards'],
  youth_union: ['Đoàn Thanh niên', 'Youth Union'],
  womens_union: ['Hội Liên hiệp Phụ nữ', "Women's Union"],
  neighbours: ['Bà con hàng xóm', 'Neighbours and villagers'],
  other: ['Đơn vị khác', 'Other units'],
};

export const labourInput = z.object({
  idempotencyKey,
  campaignId: id,
  houseId: id,
  organisation: freeText(1, 160),
  unit: z.enum(labourUnits, { message: "chưa chọn (quân đội, đoàn thanh niên, phụ nữ, bà con hay đơn vị khác) / not chosen (army, youth union, women's union, neighbours or other)" }),
  people: z.number().int().min(1).max(10_000),
  days: z.number().positive().max(365).multipleOf(0.5),
  /** Defaults to the commune's (or campaign's) local day rate. */
  dayRateVnd: amountVnd.optional(),
  workedOn: isoDate,
}).and(donorRef);

export const stateBudgetInput = z.object({
  idempotencyKey,
  campaignId: id,
  houseId: id,
  amountVnd,
  programme: fundingSource,
  decisionRef: publicText,
  receivedAt: z.coerce.date(),
});

export const allocationInput = z.object({
  idempotencyKey,
  houseId: id,
  fromAreaId: id.nullable(),
  amountVnd,
  decisionRef: publicText,
  createdBy: staffName,
  occurredAt: z.coerce.date(),
});

export const disbursementInput = z.object({
  idempotencyKey,
  houseId: id,
  amountVnd,
  purpose: publicText,
  recordedBy: staffName,
  recordedAt: z.coerce.date(),
});

export const disbursementDecisionInput = z.object({
  idempotencyKey,
  disbursementId: id,
  decidedBy: staffName,
  decidedAt: z.coerce.date(),
  approve: z.boolean(),
  reason: freeText(0, 300).optional(),
}).refine((d) => d.approve || (d.reason?.length ?? 0) > 0, { message: 'Từ chối cần lý do / A rejection needs a reason' });

export const reversalInput = z.object({
  idempotencyKey,
  entryId: id,
  reason: freeText(3, 300),
  requestedBy: staffName,
  occurredAt: z.coerce.date(),
});

// What a staff member types to find an entry: its number, a receipt code, a house code, or a donor.
export const entrySearchInput = freeText(1, 100);

export const correctionRequestInput = z.object({
  entryId: id,
  whatIsWrong: freeText(10, 500),
  requestedBy: staffName,
});

export const correctionDecisionInput = z.object({
  idempotencyKey,
  requestId: id,
  decision: z.enum(['approve', 'refuse']),
  reason: freeText(3, 300),
  decidedBy: staffName,
  occurredAt: z.coerce.date(),
});
