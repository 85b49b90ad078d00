// The six-monthly report the resolution asks for: houses by stage against the target, money mobilised
// by source, allocated and paid, and the largest contributors, for the province and per area.
// Money comes from the journal itself (entries that occurred in the period, reversals included
// as negatives), so the figures add up to the ledger's.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client';
import { currentCampaign } from '../domain/campaigns';
import { DomainError } from '../domain/errors';
import { headlineFromBalances } from '../ledger/headline';
import { donorRootsSql, publicDonorName } from '../domain/donors';
import { logOrigin } from '../publish/tlog/history';
import { fundSigner } from '../publish/tlog/signer';

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
  disbursedVnd: number;
}

export interface ProvinceMoney extends AreaMoney {
  /** Cash received, net of card fees, by channel. */
  cashByChannel: { bank_transfer: number; card: number; office: number };
  cashDonationsVnd: number;
  cardFeesVnd: number;
  /** Cash given to the general fund. */
  generalFundVnd: number;
  /** Cash that reached houses: designated gifts and allocations from the pools. */
  allocatedCashVnd: number;
}

export interface AreaReport {
  areaId: number;
  code: string;
  name: string;
  inPeriod: HouseCounts;
  toDate: HouseCounts;
  money: AreaMoney;
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

export interface SixMonthReport {
  campaign: { name: string; targetHouses: number; isDemo: boolean };
  from: string;
  to: string;
  province: { inPeriod: HouseCounts; toDate: HouseCounts; money: ProvinceMoney };
  areas: AreaReport[];
  contributors: Contributor[];
  /** The chain head, and the verifier key of the fund's signed log, so a paper copy anchors both. */
  ledger: { entries: number; headHash: string; logKey: string };
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const n = (value: unknown) => Number(value ?? 0);
const emptyCounts = (): HouseCounts => ({ approved: 0, started: 0, completed: 0, handedOver: 0 });
const emptyMoney = (): AreaMoney => ({ stateBudgetVnd: 0, inKindVnd: 0, labourPersonDays: 0, labourEstimateVnd: 0, fundAllocatedVnd: 0, designatedVnd: 0, communePoolVnd: 0, disbursedVnd: 0 });

export function assertPeriod(from: string, to: string): void {
  if (!isoDate.test(from) || !isoDate.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || from > to) {
    throw new DomainError(400, 'invalid_period', 'Kỳ báo cáo cần --from và --to dạng yyyy-mm-dd, từ trước đến.', 'The period needs --from and --to as yyyy-mm-dd, from before to.');
  }
}

// The reporting unit of a commune: its district before the 2025 reform, or itself where there is none.
const areaRow = sql`CASE WHEN parent.level = 'district' THEN parent.id ELSE c.id END`;

export async function sixMonthReport(db: Db, from: string, to: string, top = 10): Promise<SixMonthReport> {
  assertPeriod(from, to);
  const campaign = await currentCampaign(db);
  if (!campaign) throw new DomainError(409, 'no_campaign', 'Chưa có chiến dịch nào.', 'There is no campaign yet.');
  const start = `${from}T00:00:00+07:00`;
  const end = new Date(Date.parse(`${to}T00:00:00+07:00`) + 86_400_000).toISOString();

  const rowAreas = await queryRows<{ id: number; code: string; name: string }>(db, sql`
    SELECT DISTINCT r.id, r.code, r.name FROM areas c JOIN areas parent ON parent.id = c.parent_id JOIN areas r ON r.id = ${areaRow}
    WHERE c.level = 'commune' ORDER BY r.code`);
  const areas = new Map<number, AreaReport>(rowAreas.map((a) => [Number(a.id), { areaId: Number(a.id), code: a.code, name: a.name, inPeriod: emptyCounts(), toDate: emptyCounts(), money: emptyMoney() }]));
  const province = { inPeriod: emptyCounts(), toDate: emptyCounts(), money: { ...emptyMoney(), cashByChannel: { bank_transfer: 0, card: 0, office: 0 }, cashDonationsVnd: 0, cardFeesVnd: 0, generalFundVnd: 0, allocatedCashVnd: 0 } };

  const houseRows = await queryRows(db, sql`
    SELECT ${areaRow} AS area,
      count(*) FILTER (WHERE h.approved_on BETWEEN ${from} AND ${to}) AS approved,
      count(*) FILTER (WHERE h.construction_on BETWEEN ${from} AND ${to}) AS started,
      count(*) FILTER (WHERE h.completed_on BETWEEN ${from} AND ${to}) AS completed,
      count(*) FILTER (WHERE h.handed_over_on BETWEEN ${from} AND ${to}) AS handed_over,
      count(*) FILTER (WHERE h.approved_on <= ${to}) AS approved_to_date,
      count(*) FILTER (WHERE h.construction_on <= ${to}) AS started_to_date,
      count(*) FILTER (WHERE h.completed_on <= ${to}) AS completed_to_date,
      count(*) FILTER (WHERE h.handed_over_on <= ${to}) AS handed_over_to_date
    FROM houses h JOIN areas c ON c.id = h.area_id LEFT JOIN areas parent ON parent.id = c.parent_id
    WHERE h.campaign_id = ${campaign.id} GROUP BY 1`);
  for (const row of houseRows) {
    const area = areas.get(n(row.area));
    const inPeriod = { approved: n(row.approved), started: n(row.started), completed: n(row.completed), handedOver: n(row.handed_over) };
    const toDate = { approved: n(row.approved_to_date), started: n(row.started_to_date), completed: n(row.completed_to_date), handedOver: n(row.handed_over_to_date) };
    for (const key of Object.keys(inPeriod) as (keyof HouseCounts)[]) {
      province.inPeriod[key] += inPeriod[key];
      province.toDate[key] += toDate[key];
      if (area) { area.inPeriod[key] += inPeriod[key]; area.toDate[key] += toDate[key]; }
    }
  }

  // Each line counted under the kind of operation it belongs to: a reversal under what it reverses.
  const lineRows = await queryRows(db, sql`
    SELECT l.account, coalesce(o.kind, e.kind) AS source, ${areaRow} AS area, sum(l.amount_vnd) AS total,
      CASE WHEN l.account IN ('cash_bank', 'cash_card', 'cash_office') THEN l.account END AS channel
    FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
    LEFT JOIN journal_entries o ON o.id = e.reverses_entry_id
    LEFT JOIN houses h ON h.id = l.house_id
    LEFT JOIN areas c ON c.id = coalesce(h.area_id, l.area_id)
    LEFT JOIN areas parent ON parent.id = c.parent_id
    WHERE e.occurred_at >= ${start}::timestamptz AND e.occurred_at < ${end}::timestamptz
    GROUP BY 1, 2, 3, 5`);
  const channelOf = { cash_bank: 'bank_transfer', cash_card: 'card', cash_office: 'office' } as const;
  const periodBalances: Record<string, number> = {};
  for (const row of lineRows) {
    const amount = n(row.total);
    const credit = -amount;
    periodBalances[row.account as string] = (periodBalances[row.account as string] ?? 0) + amount;
    const area = areas.get(n(row.area))?.money;
    // The split by source is added up per area here; the province's money figures come from the headline formula.
    const add = (key: keyof AreaMoney, value: number) => { if (area) area[key] += value; };
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
      case 'pool_general/contribution': province.money.generalFundVnd += credit; break;
      default:
        if (row.channel && row.source === 'contribution') province.money.cashByChannel[channelOf[row.channel as keyof typeof channelOf]] += amount;
    }
  }
  const headline = headlineFromBalances(periodBalances);
  Object.assign(province.money, {
    stateBudgetVnd: headline.state_budget_vnd, inKindVnd: headline.in_kind_vnd, labourEstimateVnd: headline.labour_estimate_vnd,
    disbursedVnd: headline.disbursed_vnd, cardFeesVnd: headline.card_fees_vnd, allocatedCashVnd: headline.cash_allocated_vnd,
    cashDonationsVnd: headline.cash_received_vnd - headline.card_fees_vnd,
  });

  // Labour days are counted per entry (not per line), negative for a reversal.
  const labourRows = await queryRows(db, sql`
    SELECT ${areaRow} AS area, sum(CASE WHEN e.kind = 'reversal' THEN -1 ELSE 1 END * (k.details->>'personDays')::numeric) AS days
    FROM journal_entries e LEFT JOIN journal_entries o ON o.id = e.reverses_entry_id
    JOIN contributions k ON k.id = e.contribution_id
    JOIN houses h ON h.id = k.target_house_id JOIN areas c ON c.id = h.area_id LEFT JOIN areas parent ON parent.id = c.parent_id
    WHERE coalesce(o.kind, e.kind) = 'labour' AND e.occurred_at >= ${start}::timestamptz AND e.occurred_at < ${end}::timestamptz
    GROUP BY 1`);
  for (const row of labourRows) {
    province.money.labourPersonDays += n(row.days);
    const area = areas.get(n(row.area));
    if (area) area.money.labourPersonDays += n(row.days);
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
    WHERE k.campaign_id = ${campaign.id} AND d.kind <> 'state' AND NOT d.anonymous AND d.display_name IS NOT NULL
      AND k.received_at >= ${start}::timestamptz AND k.received_at < ${end}::timestamptz
      AND NOT EXISTS (SELECT 1 FROM journal_entries r JOIN journal_entries o ON o.id = r.reverses_entry_id
                      WHERE o.contribution_id = k.id AND o.kind <> 'allocation')
    GROUP BY d.id ORDER BY total DESC, d.id LIMIT ${top}`);
  const contributors = donorRows.map((row) => ({
    name: publicDonorName({ anonymous: Boolean(row.anonymous), displayName: row.display_name as string | null }),
    kind: String(row.kind), cashVnd: n(row.cash), inKindVnd: n(row.in_kind), labourPersonDays: n(row.days), labourEstimateVnd: n(row.labour), totalVnd: n(row.total),
  }));

  const [head] = await queryRows(db, sql`SELECT entry_count, head_hash FROM chain_head`);
  return {
    campaign: { name: campaign.name, targetHouses: campaign.targetHouses, isDemo: campaign.isDemo },
    from, to, province, areas: [...areas.values()], contributors,
    ledger: { entries: n(head?.entry_count), headHash: String(head?.head_hash ?? ''), logKey: fundSigner(logOrigin()).verifierKey },
  };
}
