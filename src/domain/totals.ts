// The campaign's headline figures, read from the ledger's tables in a handful of aggregate queries.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client';
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
      count(*) FILTER (WHERE handed_over_on IS NOT NULL) AS handed_over,
      coalesce(sum(allocated_vnd), 0) AS allocated, coalesce(sum(disbursed_vnd), 0) AS disbursed
    FROM houses WHERE campaign_id = ${campaignId}`);
  const [given] = await queryRows(db, sql`
    SELECT
      coalesce(sum(amount_vnd) FILTER (WHERE kind = 'cash'), 0) AS cash,
      count(*) FILTER (WHERE kind = 'cash') AS cash_count,
      coalesce(sum(amount_vnd) FILTER (WHERE kind = 'state_budget'), 0) AS state_budget,
      coalesce(sum(amount_vnd) FILTER (WHERE kind = 'in_kind'), 0) AS in_kind,
      coalesce(sum(amount_vnd) FILTER (WHERE kind = 'labour'), 0) AS labour_estimate,
      coalesce(sum((details->>'personDays')::numeric) FILTER (WHERE kind = 'labour'), 0) AS person_days
    FROM contributions c
    WHERE campaign_id = ${campaignId}
      AND NOT EXISTS (SELECT 1 FROM journal_entries r JOIN journal_entries o ON o.id = r.reverses_entry_id
                      WHERE o.contribution_id = c.id AND o.kind <> 'allocation')`);
  const [pools] = await queryRows(db, sql`
    SELECT coalesce(sum(remaining_vnd) FILTER (WHERE pool_key = 'general'), 0) AS general,
           coalesce(sum(remaining_vnd) FILTER (WHERE pool_key <> 'general'), 0) AS communes
    FROM pool_lots`);
  const [head] = await queryRows(db, sql`SELECT entry_count, head_hash FROM chain_head`);
  return {
    houses: {
      total: n(stages!.total), approved: n(stages!.approved), funded: n(stages!.funded),
      under_construction: n(stages!.under_construction), completed: n(stages!.completed), handed_over: n(stages!.handed_over),
    },
    cashVnd: n(given!.cash),
    cashContributions: n(given!.cash_count),
    stateBudgetVnd: n(given!.state_budget),
    inKindVnd: n(given!.in_kind),
    labourPersonDays: n(given!.person_days),
    labourEstimateVnd: n(given!.labour_estimate),
    allocatedVnd: n(stages!.allocated),
    disbursedVnd: n(stages!.disbursed),
    generalPoolVnd: n(pools!.general),
    communePoolsVnd: n(pools!.communes),
    entries: n(head!.entry_count),
    headHash: String(head!.head_hash),
  };
}
