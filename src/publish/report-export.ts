// The six-monthly reports in the dataset. On an incremental publish a half-year no change reached is the
// last publish's report with the new chain head, instead of the report's whole-database aggregates again.
// What can move a half-year's figures: the journal's new entries (on the day they occurred), the gifts they
// record or reverse (on the day received), a house whose place, kind or stage dates changed (every
// half-year ending on or after the change), and, for every half-year, a gift recorded again (a donor's
// name withdrawn), a donor merged or unmerged, and the places, targets and campaign the reports name.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client';
import { reportAnchor, reportFrame, sixMonthReport, type AreaReport, type CommuneReport, type ReportFrame, type SixMonthReport } from '../staff/report';
import { FILES, type PublicHouse, type ReportPeriod } from './format';
import type { IncrementalBase } from './incremental';

/** Contributors each published report lists. */
const TOP_CONTRIBUTORS = 50;
/** Before any half-year: a change from this day reaches them all. */
export const EVERY_DAY = '0000-00-00';

/** What an incremental publish tells the reports: the last publish, and the first day a touched house's counted facts moved on. */
export interface ReportChanges {
  base: IncrementalBase;
  housesFrom: string | null;
}

// The first day a house's change moves the reports' house counts from: every half-year when the house is
// new or changed place or kind (the counts by kind take every house), else its earliest stage date that moved.
export function houseCountsMovedFrom(old: PublicHouse | undefined, now: PublicHouse): string | null {
  if (!old || old.area_code !== now.area_code || old.type !== now.type) return EVERY_DAY;
  const moved = now.stages.flatMap((s, i) => (s.on === old.stages[i]?.on ? [] : [s.on, old.stages[i]?.on ?? null]));
  return moved.filter((day): day is string => day !== null).sort()[0] ?? null;
}

// The earlier of two days, either possibly none.
export const earlierDay = (a: string | null, b: string | null) => (a === null ? b : b === null || a <= b ? a : b);

// A half-year the change reaches: a changed day inside it, or a house's counted facts moved on or before its end.
export function periodReached(period: ReportPeriod, days: readonly string[], housesFrom: string | null): boolean {
  return (housesFrom !== null && housesFrom <= period.to) || days.some((day) => day >= period.from && day <= period.to);
}

// The places, targets and campaign a report names, as one comparable text (its figures left out).
function frameText(campaign: SixMonthReport['campaign'], provinceName: string, areas: Iterable<AreaReport>, communes: Iterable<CommuneReport>): string {
  const place = (a: AreaReport) => [a.areaId, a.code, a.name, a.targetHouses];
  return JSON.stringify([campaign, provinceName, [...areas].map(place), [...communes].map((c) => [...place(c), c.districtCode])]);
}

const sameFrame = (report: SixMonthReport, frame: ReportFrame) =>
  frameText(report.campaign, report.provinceName, report.areas, report.communes) === frameText(frame.campaign, frame.provinceName, frame.areas.values(), frame.communes.values());

// The Vietnam days (as the reports bound a half-year) the new entries occurred on, and the gifts they record or reverse were received on.
async function changedDays(tx: Tx, after: number): Promise<string[]> {
  const rows = await queryRows<{ day: string }>(tx, sql`
    SELECT DISTINCT to_char((changed.at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD') AS day FROM (
      SELECT e.occurred_at AS at FROM journal_entries e WHERE e.id > ${after}
      UNION SELECT k.received_at FROM journal_entries e JOIN journal_entries o ON o.id = coalesce(e.reverses_entry_id, e.id)
        JOIN contributions k ON k.id = o.contribution_id WHERE e.id > ${after}
    ) AS changed ORDER BY 1`);
  return rows.map((r) => r.day);
}

// True when a gift published before was recorded again since (a donor's name withdrawn): the names every contributors list shows may differ.
async function giftsRecordedAgain(tx: Tx, after: number): Promise<boolean> {
  const [row] = await queryRows<{ again: boolean }>(tx, sql`
    SELECT EXISTS (SELECT 1 FROM public_records r WHERE r.entry_id > ${after} AND r.kind = 'contribution'
      AND EXISTS (SELECT 1 FROM public_records p WHERE p.kind = 'contribution' AND p.subject_id = r.subject_id AND p.entry_id <= ${after})) AS again`);
  return Boolean(row?.again);
}

// Which donor records count under which (merges are not journal entries): kept with the publish, so the next one sees a merge.
export async function donorMergesDigest(tx: Tx): Promise<string> {
  const [row] = await queryRows<{ digest: string | null }>(tx, sql`
    SELECT md5(string_agg(id || '>' || merged_into_id, ',' ORDER BY id)) AS digest FROM donors WHERE merged_into_id IS NOT NULL`);
  return row?.digest ?? '';
}

const readReport = (base: IncrementalBase, period: ReportPeriod) =>
  readFile(join(base.dir, FILES.report(period.id)), 'utf8').then((text) => JSON.parse(text) as SixMonthReport, () => undefined);

// Writes each half-year's report: made again where the change reached it, else the last one with the new chain head.
// Returns how many were made again.
export async function exportReports(
  tx: Tx, periods: readonly ReportPeriod[], head: { count: number; headHash: string }, donorMerges: string,
  write: (path: string, report: SixMonthReport) => Promise<void>, changes?: ReportChanges,
): Promise<number> {
  const base = changes?.base;
  const everything = !base || base.state.donor_merges !== donorMerges || await giftsRecordedAgain(tx, base.checkpoint.entry_count);
  const days = everything ? [] : await changedDays(tx, base.checkpoint.entry_count);
  const frame = everything ? undefined : await reportFrame(tx);
  let made = 0;
  for (const period of periods) {
    const kept = frame && !periodReached(period, days, changes!.housesFrom) ? await readReport(base!, period) : undefined;
    if (kept && kept.from === period.from && kept.to === period.to && sameFrame(kept, frame!)) {
      await write(FILES.report(period.id), { ...kept, ledger: reportAnchor(head.count, head.headHash) });
      continue;
    }
    await write(FILES.report(period.id), await sixMonthReport(tx, period.from, period.to, TOP_CONTRIBUTORS));
    made++;
  }
  return made;
}
