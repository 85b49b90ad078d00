// The six-monthly report the resolution asks for: houses by stage against the target, money mobilised
// by source, allocated and paid, and the largest contributors, for the province and per area.
// Money comes from the journal itself (entries that occurred in the period, reversals included
// as negatives), so the figures add up to the ledger's.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client';
import { currentCampaign } from '../domain/campaigns';
import { DomainError } from '../domain/errors';
import { labourUnits, stages, type LabourUnit, type Stage } from '../domain/schemas';
import { headlineFromBalances } from '../ledger/headline';
import { donorRootsSql, publicDonorName } from '../domain/donors';
import { logOrigin } from '../publish/tlog/history';
import { fundSigner } from '../publish/tlog/signer';
import { todayInVietnam } from './forms';
import { defaultPeriod, periodWithData, type Period } from './report-period';

export interface HouseCounts {
  approved: number;
  started: number;
  completed: number;
  handedOver: number;
}

export interface AreaMoney {
  stateBudgetVnd: number;
  inKindVnd: number;
  labourPersonDays: number;
  labourEstimateVnd: number;
  /** Pooled money (general fund or a commune's pool) allocated to houses. */
  fundAllocatedVnd: number;
  /** Cash donors gave straight to a house. */
  designatedVnd: number;
  /** Cash donors gave to a commune's pool. */
  communePoolVnd: number;
  /** Fund cash paid to households. */
  disbursedVnd: number;
  /** State budget support the communes or districts paid to households. */
  statePaidVnd: number;
}

export interface ProvinceMoney extends AreaMoney {
  /** Cash received, net of card fees, by channel. */
  cashByChannel: { bank_transfer: number; card: number; office: number };
  cashDonationsVnd: number;
  cardFeesVnd: number;
  /** Bank charges on the fund's account, paid from the general fund. */
  bankChargesVnd: number;
  /** Cash given to the general fund. */
  generalFundVnd: number;
  /** Cash that reached houses: designated gifts and allocations from the pools. */
  allocatedCashVnd: number;
}

/** The houses at each stage on the period's last day, and the kind of work, for the committee's stage table. */
export interface HouseMix {
  stageNow: Record<Stage, number>;
  newBuild: number;
  repair: number;
  newBuildCompletedInPeriod: number;
  repairCompletedInPeriod: number;
}

export interface AreaReport {
  areaId: number;
  code: string;
  name: string;
  /** Houses the area means to build or repair (a district's target, set by an administrator), or null. */
  targetHouses: number | null;
  /** Labour days in the period by the kind of unit that sent the people. */
  labourDaysByUnit: Record<LabourUnit, number>;
  inPeriod: HouseCounts;
  toDate: HouseCounts;
  mix: HouseMix;
  money: AreaMoney;
}

/** A commune in the annex, under its district. */
export interface CommuneReport extends AreaReport {
  districtCode: string;
}

export interface Contributor {
  name: string;
  kind: string;
  cashVnd: number;
  inKindVnd: number;
  labourPersonDays: number;
  labourEstimateVnd: number;
  totalVnd: number;
}

/** Goods received in the period, one line an item and unit (tonnes of cement, bricks), reversed gifts left out. */
export interface InKindItem {
  name: string;
  unit: string;
  quantity: number;
  valueVnd: number;
}

export interface SixMonthReport {
  campaign: { name: string; targetHouses: number; isDemo: boolean };
  /** The province the committee serves, for the official header (without the word "Tỉnh"). */
  provinceName: string;
  from: string;
  to: string;
  province: { inPeriod: HouseCounts; toDate: HouseCounts; mix: HouseMix; money: ProvinceMoney; labourDaysByUnit: Record<LabourUnit, number> };
  areas: AreaReport[];
  communes: CommuneReport[];
  contributors: Contributor[];
  inKindItems: InKindItem[];
  /** The chain head, and the verifier key of the fund's signed log, so a paper copy anchors both. */
  ledger: { entries: number; headHash: string; logKey: string };
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const n = (value: unknown) => Number(value ?? 0);
const emptyCounts = (): HouseCounts => ({ approved: 0, started: 0, completed: 0, handedOver: 0 });
const emptyMix = (): HouseMix => ({ stageNow: Object.fromEntries(stages.map((s) => [s, 0])) as Record<Stage, number>, newBuild: 0, repair: 0, newBuildCompletedInPeriod: 0, repairCompletedInPeriod: 0 });
const emptyUnits = () => Object.fromEntries(labourUnits.map((u) => [u, 0])) as Record<LabourUnit, number>;
const emptyMoney = (): AreaMoney => ({ stateBudgetVnd: 0, inKindVnd: 0, labourPersonDays: 0, labourEstimateVnd: 0, fundAllocatedVnd: 0, designatedVnd: 0, communePoolVnd: 0, disbursedVnd: 0, statePaidVnd: 0 });

export function assertPeriod(from: string, to: string): void {
  if (!isoDate.test(from) || !isoDate.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || from > to) {
    throw new DomainError(400, 'invalid_period', 'Kỳ báo cáo cần --from và --to dạng yyyy-mm-dd, từ trước đến.', 'The period needs --from and --to as yyyy-mm-dd, from before to.');
  }
}

// Midnight after a Vietnam date, as an instant: the exclusive end of a period.
const endOfDay = (date: string) => new Date(Date.parse(`${date}T00:00:00+07:00`) + 86_400_000).toISOString();

// The period the report opens on: the last finished half-year that has ledger entries.
export async function defaultReportPeriod(db: Db, now = new Date()): Promise<Period> {
  // Money entries: a record entry (a house registered, a photo added) alone does not make a half-year to report on.
  const [row] = await queryRows(db, sql`SELECT max(occurred_at) AS latest FROM journal_entries WHERE kind <> 'record' AND occurred_at < ${endOfDay(defaultPeriod(now).to)}::timestamptz`);
  return periodWithData(now, row?.latest ? todayInVietnam(new Date(row.latest as string)) : null);
}

// A house's stage on a day: the furthest stage whose date has come (stages only move forward).
const stageAt = (day: string) => sql`CASE WHEN h.handed_over_on <= ${day} THEN 'handed_over' WHEN h.completed_on <= ${day} THEN 'completed'
  WHEN h.construction_on <= ${day} THEN 'under_construction' WHEN h.funded_on <= ${day} THEN 'funded' ELSE 'approved' END`;

// The reporting unit of a commune: its district before the 2025 reform, or itself where there is none.
const areaRow = sql`CASE WHEN parent.level = 'district' THEN parent.id ELSE c.id END`;

/** What every report is drawn on before any figure: the campaign, the province, and its reporting units and communes, all figures zero. */
export interface ReportFrame {
  campaignId: number;
  campaign: SixMonthReport['campaign'];
  provinceName: string;
  areas: Map<number, AreaReport>;
  communes: Map<number, CommuneReport>;
  /** The reports a commune's figures are added to: its reporting unit, and the commune itself when it has a district. */
  targetsOf: Map<number, AreaReport[]>;
}

// Read apart from the figures, so a publish can tell whether a kept report still names the same places and targets.
export async function reportFrame(db: Db): Promise<ReportFrame> {
  const campaign = await currentCampaign(db);
  if (!campaign) throw new DomainError(409, 'no_campaign', 'Chưa có chiến dịch nào.', 'There is no campaign yet.');
  // Every figure is read per commune, then added to the commune, its reporting unit and (for houses) the province.
  const communeRows = await queryRows<{ id: number; code: string; name: string; target: number | null; unit_id: number; unit_code: string; unit_name: string; unit_target: number | null }>(db, sql`
    SELECT c.id, c.code, c.name, c.target_houses AS target, r.id AS unit_id, r.code AS unit_code, r.name AS unit_name, r.target_houses AS unit_target
    FROM areas c JOIN areas parent ON parent.id = c.parent_id JOIN areas r ON r.id = ${areaRow}
    WHERE c.level = 'commune' ORDER BY r.code, c.code`);
  const blank = (id: number, code: string, name: string, target: number | null): AreaReport => ({
    areaId: id, code, name, targetHouses: target === null ? null : Number(target), labourDaysByUnit: emptyUnits(), inPeriod: emptyCounts(), toDate: emptyCounts(), mix: emptyMix(), money: emptyMoney(),
  });
  const areas = new Map<number, AreaReport>();
  const communes = new Map<number, CommuneReport>();
  const targetsOf = new Map<number, AreaReport[]>();
  for (const c of communeRows) {
    const unit = areas.get(Number(c.unit_id)) ?? blank(Number(c.unit_id), c.unit_code, c.unit_name, c.unit_target);
    areas.set(unit.areaId, unit);
    const commune = { ...blank(Number(c.id), c.code, c.name, c.target), districtCode: c.unit_code };
    communes.set(commune.areaId, commune);
    // A commune with no district is its own reporting unit: count it once there.
    targetsOf.set(commune.areaId, unit.areaId === commune.areaId ? [unit] : [unit, commune]);
  }
  const [provinceArea] = await queryRows<{ name: string }>(db, sql`SELECT name FROM areas WHERE level = 'province' ORDER BY id LIMIT 1`);
  return {
    campaignId: campaign.id, campaign: { name: campaign.name, targetHouses: campaign.targetHouses, isDemo: campaign.isDemo },
    provinceName: (provinceArea?.name ?? '').replace(/^tỉnh\s+/i, ''), areas, communes, targetsOf,
  };
}

// The chain head a report was made at, and the fund's log key, so a paper copy anchors both.
export const reportAnchor = (entries: number, headHash: string): SixMonthReport['ledger'] => ({ entries, headHash, logKey: fundSigner(logOrigin()).verifierKey });

export async function sixMonthReport(db: Db, from: string, to: string, top = 10): Promise<SixMonthReport> {
  assertPeriod(from, to);
  const { campaignId, campaign, provinceName, areas, communes, targetsOf } = await reportFrame(db);
  const start = `${from}T00:00:00+07:00`;
  const end = endOfDay(to);

  const province = { inPeriod: emptyCounts(), toDate: emptyCounts(), mix: emptyMix(), labourDaysByUnit: emptyUnits(), money: { ...emptyMoney(), cashByChannel: { bank_transfer: 0, card: 0, office: 0 }, cashDonationsVnd: 0, cardFeesVnd: 0, bankChargesVnd: 0, generalFundVnd: 0, allocatedCashVnd: 0 } };

  const houseRows = await queryRows(db, sql`
    SELECT h.area_id AS area,
      ${sql.join(stages.map((stage) => sql`count(*) FILTER (WHERE h.approved_on <= ${to} AND ${stageAt(to)} = ${stage}) AS ${sql.identifier(`now_${stage}`)}`), sql`, `)},
      count(*) FILTER (WHERE h.type = 'new_build') AS new_build,
      count(*) FILTER (WHERE h.type = 'repair') AS repair,
      count(*) FILTER (WHERE h.type = 'new_build' AND h.completed_on BETWEEN ${from} AND ${to}) AS new_build_completed,
      count(*) FILTER (WHERE h.type = 'repair' AND h.completed_on BETWEEN ${from} AND ${to}) AS repair_completed,
      count(*) FILTER (WHERE h.approved_on BETWEEN ${from} AND ${to}) AS approved,
      count(*) FILTER (WHERE h.construction_on BETWEEN ${from} AND ${to}) AS started,
      count(*) FILTER (WHERE h.completed_on BETWEEN ${from} AND ${to}) AS completed,
      count(*) FILTER (WHERE h.handed_over_on BETWEEN ${from} AND ${to}) AS handed_over,
      count(*) FILTER (WHERE h.approved_on <= ${to}) AS approved_to_date,
      count(*) FILTER (WHERE h.construction_on <= ${to}) AS started_to_date,
      count(*) FILTER (WHERE h.completed_on <= ${to}) AS completed_to_date,
      count(*) FILTER (WHERE h.handed_over_on <= ${to}) AS handed_over_to_date
    FROM houses h WHERE h.campaign_id = ${campaignId} GROUP BY 1`);
  const withCommune = (areaId: unknown) => [province, ...(targetsOf.get(n(areaId)) ?? [])];
  for (const row of houseRows) {
    const mix: HouseMix = {
      stageNow: Object.fromEntries(stages.map((stage) => [stage, n(row[`now_${stage}`])])) as Record<Stage, number>,
      newBuild: n(row.new_build), repair: n(row.repair), newBuildCompletedInPeriod: n(row.new_build_completed), repairCompletedInPeriod: n(row.repair_completed),
    };
    const inPeriod = { approved: n(row.approved), started: n(row.started), completed: n(row.completed), handedOver: n(row.handed_over) };
    const toDate = { approved: n(row.approved_to_date), started: n(row.started_to_date), completed: n(row.completed_to_date), handedOver: n(row.handed_over_to_date) };
    for (const target of withCommune(row.area)) {
      for (const key of Object.keys(inPeriod) as (keyof HouseCounts)[]) { target.inPeriod[key] += inPeriod[key]; target.toDate[key] += toDate[key]; }
      for (const stage of stages) target.mix.stageNow[stage] += mix.stageNow[stage];
      for (const key of ['newBuild', 'repair', 'newBuildCompletedInPeriod', 'repairCompletedInPeriod'] as const) target.mix[key] += mix[key];
    }
  }

  // Each line counted under the kind of operation it belongs to: a reversal under what it reverses.
  const lineRows = await queryRows(db, sql`
    SELECT l.account, coalesce(o.kind, e.kind) AS source, coalesce(h.area_id, l.area_id) AS area, sum(l.amount_vnd) AS total,
      CASE WHEN l.account IN ('cash_bank', 'cash_card', 'cash_office') THEN l.account END AS channel
    FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
    LEFT JOIN journal_entries o ON o.id = e.reverses_entry_id
    LEFT JOIN houses h ON h.id = l.house_id
    WHERE e.occurred_at >= ${start}::timestamptz AND e.occurred_at < ${end}::timestamptz
    GROUP BY 1, 2, 3, 5`);
  const channelOf = { cash_bank: 'bank_transfer', cash_card: 'card', cash_office: 'office' } as const;
  const periodBalances: Record<string, number> = {};
  for (const row of lineRows) {
    const amount = n(row.total);
    const credit = -amount;
    periodBalances[row.account as string] = (periodBalances[row.account as string] ?? 0) + amount;
    const places = targetsOf.get(n(row.area)) ?? [];
    // The split by source is added up per area here; the province's money figures come from the headline formula.
    const add = (key: keyof AreaMoney, value: number) => { for (const place of places) place.money[key] += value; };
    const split = (key: 'fundAllocatedVnd' | 'designatedVnd' | 'communePoolVnd', value: number) => { province.money[key] += value; add(key, value); };
    switch (`${row.account}/${row.source}`) {
      case 'house_state/state_budget': add('stateBudgetVnd', credit); break;
      case 'house_in_kind/in_kind':
      case 'commune_in_kind/in_kind': add('inKindVnd', credit); break;
      case 'house_labour/labour': add('labourEstimateVnd', credit); break;
      case 'house_cash/allocation': split('fundAllocatedVnd', credit); break;
      case 'house_cash/contribution': split('designatedVnd', credit); break;
      case 'pool_commune/contribution': split('communePoolVnd', credit); break;
      case 'house_paid/disbursement': add('disbursedVnd', amount); break;
      case 'house_state_paid/state_payment': add('statePaidVnd', amount); break;
      case 'pool_general/contribution': province.money.generalFundVnd += credit; break;
      default:
        if (row.channel && row.source === 'contribution') province.money.cashByChannel[channelOf[row.channel as keyof typeof channelOf]] += amount;
    }
  }
  const headline = headlineFromBalances(periodBalances);
  Object.assign(province.money, {
    stateBudgetVnd: headline.state_budget_vnd, inKindVnd: headline.in_kind_vnd, labourEstimateVnd: headline.labour_estimate_vnd,
    disbursedVnd: headline.disbursed_vnd, statePaidVnd: headline.state_paid_vnd, cardFeesVnd: headline.card_fees_vnd, bankChargesVnd: headline.bank_charges_vnd, allocatedCashVnd: headline.cash_allocated_vnd,
    cashDonationsVnd: headline.cash_received_vnd - headline.card_fees_vnd,
  });

  // Labour days are counted per entry (not per line), negative for a reversal, by the kind of unit that sent the people.
  const labourRows = await queryRows(db, sql`
    SELECT h.area_id AS area, k.labour_unit AS unit, sum(CASE WHEN e.kind = 'reversal' THEN -1 ELSE 1 END * (k.details->>'personDays')::numeric) AS days
    FROM journal_entries e LEFT JOIN journal_entries o ON o.id = e.reverses_entry_id
    JOIN contributions k ON k.id = e.contribution_id
    JOIN houses h ON h.id = k.target_house_id
    WHERE coalesce(o.kind, e.kind) = 'labour' AND e.occurred_at >= ${start}::timestamptz AND e.occurred_at < ${end}::timestamptz
    GROUP BY 1, 2`);
  for (const row of labourRows) {
    for (const target of withCommune(row.area)) {
      target.money.labourPersonDays += n(row.days);
      target.labourDaysByUnit[row.unit as LabourUnit] += n(row.days);
    }
  }

  // For commendation: public names only; anonymous donors and the state budget are left out.
  // Records staff merged (one company entered twice) are counted once, under the surviving record's name.
  const donorRows = await queryRows(db, sql`
    ${donorRootsSql}
    SELECT d.display_name, d.anonymous, d.kind,
      coalesce(sum(k.amount_vnd) FILTER (WHERE k.kind = 'cash'), 0) AS cash,
      coalesce(sum(k.amount_vnd) FILTER (WHERE k.kind = 'in_kind'), 0) AS in_kind,
      coalesce(sum(k.amount_vnd) FILTER (WHERE k.kind = 'labour'), 0) AS labour,
      coalesce(sum((k.details->>'personDays')::numeric) FILTER (WHERE k.kind = 'labour'), 0) AS days,
      sum(k.amount_vnd) AS total
    FROM contributions k JOIN donor_roots r ON r.id = k.donor_id JOIN donors d ON d.id = r.root
    WHERE k.campaign_id = ${campaignId} AND d.kind <> 'state' AND NOT d.anonymous AND d.display_name IS NOT NULL
      AND k.received_at >= ${start}::timestamptz AND k.received_at < ${end}::timestamptz
      AND NOT EXISTS (SELECT 1 FROM journal_entries r JOIN journal_entries o ON o.id = r.reverses_entry_id
                      WHERE o.contribution_id = k.id AND o.kind <> 'allocation')
    GROUP BY d.id ORDER BY total DESC, d.id LIMIT ${top}`);
  // Items are grouped by name and unit as written (case and spacing aside); quantities in different units stay apart.
  const itemRows = await queryRows(db, sql`
    SELECT min(item->>'name') AS name, min(item->>'unit') AS unit, sum((item->>'quantity')::numeric) AS quantity, sum((item->>'valueVnd')::numeric) AS value
    FROM contributions k CROSS JOIN jsonb_array_elements(k.details->'items') AS item
    WHERE k.campaign_id = ${campaignId} AND k.kind = 'in_kind'
      AND k.received_at >= ${start}::timestamptz AND k.received_at < ${end}::timestamptz
      AND NOT EXISTS (SELECT 1 FROM journal_entries r JOIN journal_entries o ON o.id = r.reverses_entry_id WHERE o.contribution_id = k.id)
    GROUP BY lower(btrim(item->>'name')), lower(btrim(item->>'unit')) ORDER BY value DESC, name`);
  const inKindItems = itemRows.map((row) => ({ name: String(row.name), unit: String(row.unit), quantity: n(row.quantity), valueVnd: n(row.value) }));
  const contributors = donorRows.map((row) => ({
    name: publicDonorName({ anonymous: Boolean(row.anonymous), displayName: row.display_name as string | null }),
    kind: String(row.kind), cashVnd: n(row.cash), inKindVnd: n(row.in_kind), labourPersonDays: n(row.days), labourEstimateVnd: n(row.labour), totalVnd: n(row.total),
  }));

  const [head] = await queryRows(db, sql`SELECT entry_count, head_hash FROM chain_head`);
  return {
    campaign, provinceName, from, to, province, areas: [...areas.values()], communes: [...communes.values()], contributors, inKindItems,
    ledger: reportAnchor(n(head?.entry_count), String(head?.head_hash ?? '')),
  };
}
