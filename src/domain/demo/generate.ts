// Generates the demo campaign in memory through the ledger's Book, so every demo entry obeys the
// same rules as a live posting; load.ts then writes it in bulk. Deterministic for a seed number.
import { poolKey } from '../../ledger/accounts';
import { describeEntry } from '../../ledger/descriptions';
import { Book } from '../../ledger/book';
import { LedgerRuleError } from '../../ledger/errors';
import type { PostedEntry } from '../../ledger/entry';
import type { CashChannel } from '../../ledger/postings';
import { houseCode, newReceiptCode } from '../codes';
import { initialsOf } from '../houses';
import { STATE_DONOR_NAME } from '../contributions';
import { BANK_INTEREST_DONOR } from '../treasury';
import { BIG_DONORS, BUSINESS_PARTS, DISTRICTS, IN_KIND_ITEMS, LABOUR_GROUPS, NAMES, PROVINCE, VILLAGES } from './places';
import { Random } from './random';
import type { LabourUnit } from '../schemas';

export interface DemoOptions {
  seed: number;
  houses: number;
  cashContributions: number;
  /** The demo's "today": nothing happens after it. */
  today: string;
}

export const FULL_DEMO: DemoOptions = { seed: 2024, houses: 2150, cashContributions: 52_000, today: '2025-10-31' };

// Small enough for a test to load and build in seconds, large enough to cover every stage and kind.
export const SMALL_DEMO: DemoOptions = { seed: 7, houses: 60, cashContributions: 1500, today: '2025-10-31' };

export const DEMO_CAMPAIGN = {
  id: 1,
  code: 'BK',
  name: 'Xóa nhà tạm, nhà dột nát cho hộ nghèo, hộ cận nghèo tỉnh Bắc Kạn 2024–2025 (dữ liệu mẫu)',
  targetHouses: 2000,
  baseline: {
    poorHouseholds: 18_067, nearPoorHouseholds: 7_472,
    poorLackingQuality: 7_266, nearPoorLackingQuality: 937,
    poorLackingArea: 2_878, nearPoorLackingArea: 215,
    alreadyHelped: 2_200,
    resolution: 'Nghị quyết 45-NQ/TU ngày 19/7/2024 của Ban Thường vụ Tỉnh ủy Bắc Kạn',
  },
  supportLevels: {
    central_campaign: { new_build: 60_000_000, repair: 30_000_000 },
    national_target_programme: { new_build: 40_000_000, repair: 20_000_000 },
  },
  labourDayRateVnd: 200_000,
  startsOn: '2024-07-19',
  endsOn: '2025-12-31',
  isDemo: true,
};

const RECORDERS = ['Hoàng Thị Thu (cán bộ MTTQ)', 'Nông Văn Đức (cán bộ MTTQ)'];
const APPROVERS = ['Ma Thị Hạnh (Phó Chủ tịch)', 'Lường Văn Chung (Chủ tịch)'];
const DAY_MS = 86_400_000;
const START = '2024-07-20';

type AreaRow = { id: number; code: string; name: string; level: 'province' | 'district' | 'commune'; parentId: number | null; newCommuneName: string | null; newProvinceName: string | null; labourDayRateVnd: number | null; targetHouses: number | null };
type HouseRow = {
  id: number; publicCode: string; campaignId: number; householdId: number; areaId: number; type: 'new_build' | 'repair';
  budgetVnd: number; minutesRef: string; approvedOn: string; fundedOn: string | null; constructionOn: string | null;
  completedOn: string | null; handedOverOn: string | null; allocatedVnd: number; cashAllocatedVnd: number; disbursedVnd: number;
  stateAllocatedVnd: number; statePaidVnd: number;
};

export interface DemoData {
  campaign: typeof DEMO_CAMPAIGN;
  areas: AreaRow[];
  households: { id: number; areaId: number; headFullName: string; headInitials: string; publishFullName: boolean; nationalId: string; phone: string; address: string; povertyStatus: 'poor' | 'near_poor'; housingNeed: 'quality' | 'area'; members: number }[];
  houses: HouseRow[];
  donors: { id: number; kind: 'individual' | 'business' | 'organisation' | 'state'; displayName: string | null; anonymous: boolean; email: string | null; phone: string | null; taxCode: string | null }[];
  contributions: { id: number; receiptCode: string; campaignId: number; donorId: number; kind: 'cash' | 'in_kind' | 'labour' | 'state_budget'; channel: 'card' | 'bank_transfer' | 'office' | null; amountVnd: number; targetType: 'house' | 'commune' | 'general'; targetHouseId: number | null; targetAreaId: number | null; receivedAt: Date; details: unknown; labourUnit: LabourUnit | null }[];
  entries: PostedEntry[];
  lots: { poolKey: string; contributionId: number; seq: number; areaId: number | null; remainingVnd: number }[];
  allocations: { id: number; entryId: number; houseId: number; poolKey: string; amountVnd: number; decisionRef: string; createdBy: string }[];
  disbursements: { id: number; houseId: number; amountVnd: number; purpose: string; recordedBy: string; recordedAt: Date; status: 'pending' | 'approved'; decidedBy: string | null; decidedAt: Date | null; decisionReason: null; entryId: number | null }[];
  statePayments: { id: number; houseId: number; amountVnd: number; paidOn: string; documentRef: string; recordedBy: string; recordedAt: Date; entryId: number }[];
  /** Card payouts, office deposits and bank charges, each with the entry that posted it. */
  movements: { id: number; kind: 'payout' | 'deposit' | 'bank_charge'; reference: string; amountVnd: number; occurredAt: Date; entryId: number; recordedBy: string | null }[];
  /** One statement of the fund's bank account per month, as the bank exports it (statements.ts). */
  statements: DemoStatement[];
}

/** The bank account of the demo fund; statements show it, pages only its last four digits. */
export const DEMO_BANK_ACCOUNT = '0011004455667';

export interface DemoStatementRow {
  bookedAt: Date;
  reference: string;
  creditVnd: number;
  debitVnd: number;
  memo: string;
  /** What the ledger holds for this bank line. */
  contributionId: number | null;
  disbursementId: number | null;
  movementId: number | null;
  receiptCode: string | null;
}

export interface DemoStatement { month: string; accountNo: string; openingVnd: number; closingVnd: number; rows: DemoStatementRow[] }

const isoDay = (day: number) => new Date(Date.parse(START) + day * DAY_MS).toISOString().slice(0, 10);
// A moment on a demo day, in Vietnam's time zone (UTC+7).
const at = (day: number, hour: number, minute = 0) => new Date(Date.parse(START) + day * DAY_MS + (hour - 7) * 3_600_000 + minute * 60_000);

export function generateDemo(options: DemoOptions = FULL_DEMO): DemoData {
  const rng = new Random(options.seed);
  const lastDay = Math.round((Date.parse(options.today) - Date.parse(START)) / DAY_MS);
  const book = new Book();
  const data: DemoData = { campaign: DEMO_CAMPAIGN, areas: [], households: [], houses: [], donors: [], contributions: [], entries: book.entries, lots: [], allocations: [], disbursements: [], statePayments: [], movements: [], statements: [] };
  // Treasury draws its own numbers, so the rest of the demo stays as it was for a seed.
  const treasuryRng = new Random(options.seed + 1);

  // Areas: province, districts, communes; every three neighbouring communes map to one new commune.
  data.areas.push({ id: 1, code: PROVINCE.code, name: PROVINCE.name, level: 'province', parentId: null, newCommuneName: null, newProvinceName: PROVINCE.newProvinceName, labourDayRateVnd: null, targetHouses: null });
  const communes: { id: number; name: string; weight: number }[] = [];
  for (const district of DISTRICTS) {
    const districtId = data.areas.length + 1;
    data.areas.push({ id: districtId, code: `BK-${district.code}`, name: district.name, level: 'district', parentId: 1, newCommuneName: null, newProvinceName: PROVINCE.newProvinceName, labourDayRateVnd: null, targetHouses: null });
    district.communes.forEach((name, index) => {
      const id = data.areas.length + 1;
      const head = district.communes[index - (index % 3)]!;
      const newName = head.replace(/^(Thị trấn|Xã) /, 'Xã ').replace(/^Phường .*/, 'Phường Bắc Kạn');
      // The highland districts have far more temporary houses than the provincial town.
      const weight = district.code === 'TPBK' ? 1 : ['PN', 'BB', 'NR', 'NS', 'CD'].includes(district.code) ? 4 : 3;
      data.areas.push({ id, code: `BK-${district.code}-${String(index + 1).padStart(2, '0')}`, name, level: 'commune', parentId: districtId, newCommuneName: newName, newProvinceName: PROVINCE.newProvinceName, labourDayRateVnd: weight === 1 ? 250_000 : null, targetHouses: null });
      communes.push({ id, name, weight });
    });
  }
  const communeWheel = communes.flatMap((c) => Array<typeof c>(c.weight).fill(c));
  // Each district's target: its share of the campaign's houses by the weight of its communes, in tens.
  for (const district of data.areas.filter((a) => a.level === 'district')) {
    const share = communes.filter((c) => data.areas[c.id - 1]!.parentId === district.id).reduce((sum, c) => sum + c.weight, 0) / communeWheel.length;
    district.targetHouses = Math.max(10, Math.round((DEMO_CAMPAIGN.targetHouses * share) / 10) * 10);
  }

  // Houses and their households, approved after each commune's public selection meeting.
  const approvalSpan = Math.round((Date.parse('2025-07-31') - Date.parse('2024-08-01')) / DAY_MS);
  const approvalDays = Array.from({ length: options.houses }, () => 12 + rng.int(0, approvalSpan)).sort((a, b) => a - b);
  const housesByDay = new Map<number, HouseRow[]>();
  const ethnicWheel = ['tay', 'tay', 'tay', 'tay', 'tay', 'tay', 'nung', 'nung', 'dao', 'dao', 'mong', 'mong', 'kinh', 'kinh'] as const;
  const ntpHouses = new Set<number>();
  approvalDays.forEach((day, index) => {
    const id = index + 1;
    const commune = rng.pick(communeWheel);
    const names = NAMES[rng.pick(ethnicWheel)];
    const female = rng.chance(0.35);
    const headFullName = `${rng.pick(names.family)} ${rng.pick(female ? names.female : names.male)}`;
    data.households.push({
      id, areaId: commune.id, headFullName, headInitials: initialsOf(headFullName), publishFullName: rng.chance(0.3),
      nationalId: `006${female ? '3' : '2'}${rng.digits(8)}`, phone: `09${rng.digits(8)}`,
      address: `Thôn ${rng.pick(VILLAGES)} số ${rng.int(1, 120)}, ${commune.name}`,
      // About a quarter lack area rather than quality, as in the resolution's counts; no draw, so the rest of the demo is unchanged.
      povertyStatus: rng.chance(0.85) ? 'poor' : 'near_poor', housingNeed: id % 4 === 0 ? 'area' : 'quality', members: rng.int(2, 7),
    });
    const type = rng.chance(0.65) ? 'new_build' : 'repair';
    const source = rng.chance(0.2) ? 'national_target_programme' : 'central_campaign';
    if (source === 'national_target_programme') ntpHouses.add(id);
    const house: HouseRow = {
      id, publicCode: houseCode(DEMO_CAMPAIGN.code, id), campaignId: 1, householdId: id, areaId: commune.id, type,
      budgetVnd: DEMO_CAMPAIGN.supportLevels[source][type], minutesRef: `${rng.int(1, 40)}/BB-BTTMT`, approvedOn: isoDay(day),
      fundedOn: null, constructionOn: null, completedOn: null, handedOverOn: null, allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0,
    };
    data.houses.push(house);
    const list = housesByDay.get(day) ?? [];
    list.push(house);
    housesByDay.set(day, list);
  });

  // Cash gifts spread over the campaign, with peaks at the launch, after typhoon Yagi and at Tết.
  const dayWeight = (day: number) => {
    const date = isoDay(day);
    if (date < '2024-08-20') return 3;
    if (date >= '2024-09-10' && date < '2024-10-10') return 5;
    if (date >= '2025-01-10' && date < '2025-02-05') return 3;
    return 1;
  };
  const weights = Array.from({ length: lastDay + 1 }, (_, day) => dayWeight(day));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const giftsPerDay = weights.map((w) => Math.floor((w / totalWeight) * options.cashContributions));
  giftsPerDay[lastDay] = (giftsPerDay[lastDay] ?? 0) + options.cashContributions - giftsPerDay.reduce((a, b) => a + b, 0);

  const individualAmounts = [50_000, 100_000, 100_000, 200_000, 200_000, 300_000, 500_000, 500_000, 1_000_000, 1_000_000, 2_000_000, 3_000_000];
  const businessAmounts = [2_000_000, 5_000_000, 10_000_000, 10_000_000, 20_000_000, 20_000_000, 50_000_000, 100_000_000];
  const donorIds = { individual: [] as number[], business: [] as number[] };
  const newDonor = (kind: 'individual' | 'business' | 'organisation', displayName: string | null, anonymous: boolean) => {
    const id = data.donors.length + 1;
    data.donors.push({
      id, kind, displayName: anonymous ? null : displayName, anonymous,
      email: rng.chance(0.6) ? `donor${id}.${rng.digits(4)}@example.vn` : null,
      phone: rng.chance(0.5) ? `09${rng.digits(8)}` : null,
      taxCode: kind === 'individual' ? null : `47${rng.digits(8)}`,
    });
    return id;
  };
  const stateDonorId = 1;
  data.donors.push({ id: stateDonorId, kind: 'state', displayName: STATE_DONOR_NAME, anonymous: false, email: null, phone: null, taxCode: null });
  const groupDonors = new Map<string, number>();
  const receiptCodes = new Set<string>();
  const receipt = () => {
    let code: string;
    do code = newReceiptCode((max) => Math.floor(rng.next() * max)); while (receiptCodes.has(code));
    receiptCodes.add(code);
    return code;
  };
  // Every row has every column (the loader copies the columns of the first row); only labour names a kind of unit.
  const contribution = (row: Omit<DemoData['contributions'][number], 'id' | 'receiptCode' | 'campaignId' | 'labourUnit'> & { labourUnit?: LabourUnit }) => {
    const full = { ...row, labourUnit: row.labourUnit ?? null, id: data.contributions.length + 1, receiptCode: receipt(), campaignId: 1 };
    data.contributions.push(full);
    return full;
  };
  // Book refusals (a house already full, a spent lot) are normal in a simulation: skip that event.
  const attempt = (post: () => PostedEntry): PostedEntry | undefined => {
    try {
      return post();
    } catch (error) {
      if (error instanceof LedgerRuleError) return undefined;
      throw error;
    }
  };

  const openHouses: HouseRow[] = [];
  const schedule = new Map<number, (() => void)[]>();
  const later = (day: number, action: () => void) => {
    if (day > lastDay) return;
    const list = schedule.get(day) ?? [];
    list.push(action);
    schedule.set(day, list);
  };
  const syncCounters = (house: HouseRow) => {
    const { allocatedVnd, cashAllocatedVnd, disbursedVnd, stateAllocatedVnd, statePaidVnd } = book.house(house.id);
    Object.assign(house, { allocatedVnd, cashAllocatedVnd, disbursedVnd, stateAllocatedVnd, statePaidVnd });
  };
  let decisionNo = 0;

  // Card money reaches the bank each Tuesday (Stripe's weekly payout), office cash is deposited each
  // Thursday; at each month's end the bank takes its charges (from the general fund) and pays interest.
  const weekday = (day: number) => new Date(Date.parse(START) + day * DAY_MS).getUTCDay();
  const memos = new Map<number, string>();
  const moveCash = (day: number, from: 'cash_card' | 'cash_office') => {
    const amountVnd = book.cash.get(from) ?? 0;
    if (amountVnd <= 0) return;
    const kind = from === 'cash_card' ? 'payout' : 'deposit';
    const reference = kind === 'payout'
      ? `po_1${Array.from({ length: 13 }, () => treasuryRng.pick([...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'])).join('')}`
      : `GNT-${isoDay(day).replace(/-/g, '')}`;
    const occurredAt = at(day, kind === 'payout' ? 8 : 10);
    const entry = book.transferCash({ from, amountVnd, occurredAt, description: kind === 'payout' ? describeEntry.payout(reference) : describeEntry.deposit(reference) });
    data.movements.push({ id: data.movements.length + 1, kind, reference, amountVnd, occurredAt, entryId: entry.id, recordedBy: kind === 'deposit' ? treasuryRng.pick(RECORDERS) : null });
    memos.set(entry.id, kind === 'payout' ? `STRIPE PAYOUT ${reference} AN CU` : `NOP TIEN MAT ${reference} QUY VI NGUOI NGHEO`);
  };
  const bankDonorId = () => {
    let id = groupDonors.get(BANK_INTEREST_DONOR);
    if (!id) groupDonors.set(BANK_INTEREST_DONOR, (id = newDonor('organisation', BANK_INTEREST_DONOR, false)));
    return id;
  };
  const treasuryDay = (day: number) => {
    if (weekday(day) === 2) moveCash(day, 'cash_card');
    if (weekday(day) === 4) moveCash(day, 'cash_office');
    if (isoDay(day + 1).endsWith('-01')) {
      const month = `${isoDay(day).slice(5, 7)}/${isoDay(day).slice(0, 4)}`;
      for (const [amountVnd, memo, hour] of [[11_000, `Phi quan ly tai khoan T${month}`, 20], [9_900, `Phi SMS Banking T${month}`, 20]] as const) {
        const reference = `FEE-${isoDay(day)}-${amountVnd}`;
        const occurredAt = at(day, hour);
        const entry = attempt(() => book.chargeBank({ amountVnd, occurredAt, description: describeEntry.bankCharge(reference) }));
        if (!entry) continue;
        data.movements.push({ id: data.movements.length + 1, kind: 'bank_charge', reference, amountVnd, occurredAt, entryId: entry.id, recordedBy: null });
        memos.set(entry.id, memo);
      }
      // Interest on the month's closing balance at a demand-deposit rate (0.1% a year), to the general fund.
      const interestVnd = Math.floor(((book.cash.get('cash_bank') ?? 0) * 0.001) / 12);
      if (interestVnd > 0) {
        const row = contribution({ donorId: bankDonorId(), kind: 'cash', channel: 'bank_transfer', amountVnd: interestVnd, targetType: 'general', targetHouseId: null, targetAreaId: null, receivedAt: at(day, 21), details: { feeVnd: 0, officeReceiptNo: null } });
        const entry = book.giveCash({ contributionId: row.id, receiptCode: row.receiptCode, channel: 'bank_transfer', amountVnd: interestVnd, target: 'general', occurredAt: row.receivedAt });
        memos.set(entry.id, `Tra lai tien gui T${month}`);
      }
    }
  };

  const disburse = (house: HouseRow, day: number, amountVnd: number, purpose: string) => {
    if (amountVnd <= 0) return;
    const recordedBy = rng.pick(RECORDERS);
    const id = data.disbursements.length + 1;
    const recordedAt = at(day, 9);
    // Payments recorded in the last days are still waiting for the second signature.
    if (day > lastDay - 4) {
      data.disbursements.push({ id, houseId: house.id, amountVnd, purpose, recordedBy, recordedAt, status: 'pending', decidedBy: null, decidedAt: null, decisionReason: null, entryId: null });
      return;
    }
    const decidedAt = at(Math.min(day + 1, lastDay), 15);
    let entry: PostedEntry | undefined;
    try {
      entry = book.disburse({ houseId: house.id, amountVnd, occurredAt: decidedAt, description: describeEntry.disbursement(house.publicCode, purpose) });
    } catch (error) {
      if (!(error instanceof LedgerRuleError)) throw error;
      // The card money or office cash has not reached the bank yet: pay after the next payout or deposit.
      if (error.code === 'cash_overdrawn') later(day + 3, () => disburse(house, day + 3, Math.min(amountVnd, book.house(house.id).cashAllocatedVnd - book.house(house.id).disbursedVnd), purpose));
      return;
    }
    data.disbursements.push({ id, houseId: house.id, amountVnd, purpose, recordedBy, recordedAt, status: 'approved', decidedBy: rng.pick(APPROVERS), decidedAt, decisionReason: null, entryId: entry.id });
    syncCounters(house);
  };

  // At hand-over the commune pays the household the state support recorded for the house, by a payment
  // order named after the house (no random draw, so the rest of the demo is unchanged).
  const payStateSupport = (house: HouseRow, day: number) => {
    const amountVnd = house.stateAllocatedVnd - house.statePaidVnd;
    if (amountVnd <= 0) return;
    const documentRef = `UNC-${house.publicCode}`;
    const entry = book.payState({ houseId: house.id, amountVnd, occurredAt: at(day, 0), description: describeEntry.statePayment(house.publicCode, documentRef) });
    data.statePayments.push({ id: data.statePayments.length + 1, houseId: house.id, amountVnd, paidOn: isoDay(day), documentRef, recordedBy: RECORDERS[0]!, recordedAt: at(day, 16), entryId: entry.id });
    syncCounters(house);
  };

  // Once fully funded a house moves through construction, completion and hand-over.
  const markFunded = (house: HouseRow, day: number) => {
    if (house.fundedOn || house.allocatedVnd < house.budgetVnd) return;
    house.fundedOn = isoDay(day);
    const start = day + rng.int(5, 25);
    later(start, () => {
      house.constructionOn = isoDay(start);
      disburse(house, start, Math.floor(house.cashAllocatedVnd / 2 / 1000) * 1000, 'Tạm ứng đợt 1 để mua vật liệu');
      if (rng.chance(0.7)) {
        const { name: group, unit: labourUnit } = rng.pick(LABOUR_GROUPS);
        let donorId = groupDonors.get(group);
        if (!donorId) groupDonors.set(group, (donorId = newDonor('organisation', group, false)));
        const people = rng.int(5, 25);
        const days = rng.int(2, 8) / 2;
        const estimateVnd = Math.round(people * days * DEMO_CAMPAIGN.labourDayRateVnd);
        const row = contribution({ donorId, kind: 'labour', channel: null, amountVnd: estimateVnd, targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: at(start, 7), details: { organisation: group, people, days, personDays: people * days, dayRateVnd: DEMO_CAMPAIGN.labourDayRateVnd }, labourUnit });
        book.giveLabour({ contributionId: row.id, houseId: house.id, estimateVnd, occurredAt: row.receivedAt, description: describeEntry.labour(people * days, row.receiptCode, house.publicCode) });
      }
      const done = start + rng.int(30, 70);
      later(done, () => {
        house.completedOn = isoDay(done);
        disburse(house, done, house.cashAllocatedVnd - house.disbursedVnd, 'Thanh toán đợt 2 khi hoàn thành');
        const handed = done + rng.int(2, 10);
        later(handed, () => {
          house.handedOverOn = isoDay(handed);
          payStateSupport(house, handed);
        });
      });
    });
  };

  for (let day = 0; day <= lastDay; day++) {
    for (const house of housesByDay.get(day) ?? []) {
      book.addHouse({ id: house.id, code: house.publicCode, areaId: house.areaId, budgetVnd: house.budgetVnd });
      // Houses under the national target programme are funded by the state, not from the pools.
      if (!ntpHouses.has(house.id)) openHouses.push(house);
      if (ntpHouses.has(house.id)) {
        const support = day + rng.int(5, 20);
        later(support, () => {
          const decisionRef = `${rng.int(100, 999)}/QĐ-UBND`;
          const row = contribution({ donorId: stateDonorId, kind: 'state_budget', channel: null, amountVnd: house.budgetVnd, targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: at(support, 10), details: { programme: 'national_target_programme', decisionRef } });
          book.giveStateBudget({ contributionId: row.id, houseId: house.id, amountVnd: house.budgetVnd, occurredAt: row.receivedAt, description: describeEntry.stateBudget(decisionRef, house.publicCode) });
          syncCounters(house);
          markFunded(house, support);
        });
      } else if (rng.chance(0.3)) {
        const gift = day + rng.int(5, 40);
        later(gift, () => {
          const item = rng.pick(IN_KIND_ITEMS);
          const quantity = rng.int(item.min, item.max);
          const valueVnd = quantity * item.unitValueVnd;
          const donorId = newDonor('business', `${rng.pick(BUSINESS_PARTS.kind)} ${rng.pick(BUSINESS_PARTS.trade)} ${rng.pick(BUSINESS_PARTS.brand)}`, false);
          const free = house.budgetVnd - house.allocatedVnd;
          if (valueVnd > free) return;
          const row = contribution({ donorId, kind: 'in_kind', channel: null, amountVnd: valueVnd, targetType: 'house', targetHouseId: house.id, targetAreaId: house.areaId, receivedAt: at(gift, 11), details: { items: [{ name: item.name, quantity, unit: item.unit, valueVnd }] } });
          book.giveInKind({ contributionId: row.id, houseId: house.id, valueVnd, occurredAt: row.receivedAt, description: describeEntry.inKind(row.receiptCode, house.publicCode) });
          syncCounters(house);
          markFunded(house, gift);
        });
      }
    }
    for (const action of schedule.get(day) ?? []) action();
    treasuryDay(day);

    for (let i = 0; i < giftsPerDay[day]!; i++) {
      const business = rng.chance(0.03);
      const kind = business ? 'business' : 'individual';
      let donorId: number;
      if (rng.chance(0.2) && donorIds[kind].length > 0) donorId = rng.pick(donorIds[kind]);
      else {
        const anonymous = rng.chance(business ? 0.05 : 0.3);
        const name = business
          ? rng.chance(0.1) ? rng.pick(BIG_DONORS) : `${rng.pick(BUSINESS_PARTS.kind)} ${rng.pick(BUSINESS_PARTS.trade)} ${rng.pick(BUSINESS_PARTS.brand)}`
          : (() => { const n = NAMES[rng.pick(ethnicWheel)]; return `${rng.pick(n.family)} ${rng.pick(rng.chance(0.5) ? n.female : n.male)}`; })();
        donorId = newDonor(kind, name, anonymous);
        donorIds[kind].push(donorId);
      }
      const amountVnd = rng.pick(business ? businessAmounts : individualAmounts);
      const roll = rng.next();
      const needy = openHouses.length > 0 ? rng.pick(openHouses) : undefined;
      const target = roll < 0.14 && needy ? 'house' : roll < 0.28 ? 'commune' : 'general';
      const areaId = target === 'house' ? needy!.areaId : target === 'commune' ? rng.pick(communeWheel).id : null;
      const channelRoll = rng.next();
      const channel: CashChannel = channelRoll < 0.7 ? 'bank_transfer' : channelRoll < 0.9 ? 'card' : 'office';
      const feeVnd = channel === 'card' ? Math.round(amountVnd * 0.033) : 0;
      const row = contribution({ donorId, kind: 'cash', channel, amountVnd, targetType: target, targetHouseId: target === 'house' ? needy!.id : null, targetAreaId: areaId, receivedAt: at(day, rng.int(6, 22), rng.int(0, 59)), details: { feeVnd, officeReceiptNo: channel === 'office' ? `PT-${rng.digits(5)}` : null } });
      const entry = book.giveCash({ contributionId: row.id, channel, amountVnd, feeVnd, target, houseId: row.targetHouseId ?? undefined, areaId: areaId ?? undefined, occurredAt: row.receivedAt, receiptCode: row.receiptCode });
      if (target === 'house') { syncCounters(needy!); markFunded(needy!, day); }
      // A few gifts were entered twice by mistake and reversed the same day.
      if (target === 'general' && rng.chance(0.0008)) {
        attempt(() => book.reverse(entry.id, 'Nhập trùng giao dịch', at(day, 23)));
      }
    }

    // Each Monday the Standing Committee allocates pooled money to the oldest houses still short.
    if (new Date(Date.parse(START) + day * DAY_MS).getUTCDay() === 1) {
      decisionNo++;
      for (const house of openHouses) {
        for (const poolAreaId of [house.areaId, null]) {
          const need = house.budgetVnd - book.house(house.id).allocatedVnd;
          const pool = book.pools.get(poolKey(poolAreaId));
          const amountVnd = Math.min(need, pool?.balanceVnd ?? 0);
          if (amountVnd <= 0) continue;
          const entry = book.allocate({ houseId: house.id, poolAreaId, amountVnd, occurredAt: at(day, 16), description: describeEntry.allocation(house.publicCode, `${decisionNo}/QĐ-MTTQ`) });
          data.allocations.push({ id: data.allocations.length + 1, entryId: entry.id, houseId: house.id, poolKey: poolKey(poolAreaId), amountVnd, decisionRef: `${decisionNo}/QĐ-MTTQ`, createdBy: rng.pick(RECORDERS) });
        }
        syncCounters(house);
        markFunded(house, day);
      }
      for (let i = openHouses.length - 1; i >= 0; i--) if (openHouses[i]!.fundedOn) openHouses.splice(i, 1);
    }
  }

  data.statements = bankStatements(data, memos, treasuryRng);
  for (const house of data.houses) if (book.houses.has(house.id)) syncCounters(house);
  for (const [key, pool] of book.pools) {
    for (const lot of pool.lots) data.lots.push({ poolKey: key, contributionId: lot.contributionId, seq: lot.seq, areaId: pool.areaId, remainingVnd: lot.remainingVnd });
  }
  return data;
}

// The fund's bank account as its statements show it: every entry on cash_bank (a gift entered twice
// and reversed the same day never reached the bank: neither shows), a month to a statement.
function bankStatements(data: DemoData, memos: Map<number, string>, rng: Random): DemoStatement[] {
  const reversed = new Set(data.entries.flatMap((e) => (e.reversesEntryId === null ? [] : [e.reversesEntryId, e.id])));
  const contributions = new Map(data.contributions.map((c) => [c.id, c]));
  const payments = new Map(data.disbursements.flatMap((d) => (d.entryId === null ? [] : [[d.entryId, d] as const])));
  const movements = new Map(data.movements.map((m) => [m.entryId, m]));
  const codes = new Map(data.houses.map((h) => [h.id, h.publicCode]));
  const statements = new Map<string, DemoStatement>();
  let balance = 0;
  let seq = 0;
  // The bank books in time order; the simulation posts a day's payments before the day's gifts.
  const onBank = data.entries.filter((e) => !reversed.has(e.id) && e.lines.some((l) => l.account === 'cash_bank'))
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id);
  for (const entry of onBank) {
    const amount = entry.lines.filter((l) => l.account === 'cash_bank').reduce((sum, l) => sum + l.amountVnd, 0);
    if (amount === 0) continue;
    const month = new Date(entry.occurredAt.getTime() + 7 * 3_600_000).toISOString().slice(0, 7);
    let statement = statements.get(month);
    if (!statement) statements.set(month, (statement = { month, accountNo: DEMO_BANK_ACCOUNT, openingVnd: balance, closingVnd: balance, rows: [] }));
    const gift = entry.kind === 'contribution' ? contributions.get(entry.contributionId!) : undefined;
    const payment = payments.get(entry.id);
    const houseId = entry.lines.find((l) => l.account === 'house_paid')?.houseId;
    const memo = memos.get(entry.id)
      ?? (payment ? `Chi tra ho ${codes.get(houseId!)} ${payment.purpose}` : `MBVCB.${rng.digits(9)}.${gift?.receiptCode ?? ''}.ung ho xay nha`);
    statement.rows.push({
      bookedAt: entry.occurredAt, reference: `FT${month.replace('-', '').slice(2)}${String(++seq).padStart(7, '0')}`,
      creditVnd: Math.max(amount, 0), debitVnd: Math.max(-amount, 0), memo,
      contributionId: gift?.id ?? null, disbursementId: payment?.id ?? null, movementId: movements.get(entry.id)?.id ?? null,
      receiptCode: gift && !memos.has(entry.id) ? gift.receiptCode : null,
    });
    balance += amount;
    statement.closingVnd = balance;
  }
  return [...statements.values()];
}
