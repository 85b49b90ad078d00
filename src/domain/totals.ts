// The campaign's headline figures for the staff dashboard: money from the journal's account balances
// through the one headline formula (src/ledger/headline.ts), counts from the houses and contributions.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client';
import { headlineFromBalances } from '../ledger/headline';
import type { Stage } from './schemas';

export interface CampaignTotals {
  houses: Record<Stage, number> & { total: number };
  cashVnd: number;
  cashContributions: number;
  stateBudgetVnd: number;
  inKindVnd: number;
  labourPersonDays: number;
  labourEstimateVnd: number;
  allocatedVnd: number;
  disbursedVnd: number;
  generalPoolVnd: number;
  communePoolsVnd: number;
  entries: number;
  headHash: string;
}

const n = (value: unknown) => Number(value ?? 0);

export async function campaignTotals(db: Db, campaignId: number): Promise<CampaignTotals> {
  const [stages] = await queryRows(db, sql`
    SELECT count(*) AS total,
      count(*) FILTER (WHERE funded_on IS NULL AND construction_on IS NULL AND completed_on IS NULL AND handed_over_on IS NULL) AS approved,
      count(*) FILTER (WHERE funded_on IS NOT NULL AND construction_on IS NULL AND completed_on IS NULL AND handed_over_on IS NULL) AS funded,
      count(*) FILTER (WHERE construction_on IS NOT NULL AND completed_on IS NULL AND handed_over_on IS NULL) AS under_construction,
      count(*) FILTER (WHERE completed_on IS NOT NULL AND handed_over_on IS NULL) AS completed,
      count(*) FILTER (WHERE handed_over_on IS NOT NULL) AS handed_over
    FROM houses WHERE campaign_id = ${campaignId}`);
  const [given] = await queryRows(db, sql`
    SELECT count(*) FILTER (WHERE kind = 'cash') AS cash_count,
      coalesce(sum((details->>'personDays')::numeric) FILTER (WHERE kind = 'labour'), 0) AS person_days
    FROM contributions c
    WHERE campaign_id = ${campaignId}
      AND NOT EXISTS (SELECT 1 FROM journal_entries r JOIN journal_entries o ON o.id = r.reverses_entry_id
                      WHERE o.contribution_id = c.id AND o.kind <> 'allocation')`);
  const money = headlineFromBalances(await accountBalances(db));
  const [head] = await queryRows(db, sql`SELECT entry_count, head_hash FROM chain_head`);
  return {
    houses: {
      total: n(stages!.total), approved: n(stages!.approved), funded: n(stages!.funded),
      under_construction: n(stages!.under_construction), completed: n(stages!.completed), handed_over: n(stages!.handed_over),
    },
    cashVnd: money.cash_received_vnd,
    cashContributions: n(given!.cash_count),
    stateBudgetVnd: money.state_budget_vnd,
    inKindVnd: money.in_kind_vnd,
    labourPersonDays: n(given!.person_days),
    labourEstimateVnd: money.labour_estimate_vnd,
    allocatedVnd: money.allocated_vnd,
    disbursedVnd: money.disbursed_vnd,
    generalPoolVnd: money.general_pool_vnd,
    communePoolsVnd: money.commune_pools_vnd,
    entries: n(head!.entry_count),
    headHash: String(head!.head_hash),
  };
}

// Each account's balance over the whole journal: what the headline figures are computed from.
export async function accountBalances(db: Db): Promise<Record<string, number>> {
  const rows = await queryRows<{ account: string; total: string | number }>(db, sql`
    SELECT account, sum(amount_vnd) AS total FROM journal_lines GROUP BY account`);
  return Object.fromEntries(rows.map((row) => [row.account, Number(row.total)]));
}
