// What the workspace pages show, read in a few queries each; pages only render these.
import { and, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, schema, type Db } from '../../db/client';
import { loadEntry } from '../domain/corrections';
import { parsePoolKey } from '../ledger/accounts';
import { suggestedAllocation } from '../ledger/allocation';
import { publicDonorName } from '../domain/donors';
import { stageOf } from '../domain/houses';
import { describeItem } from '../domain/in-kind';
import { ui } from '../i18n/ui';
import type { ActionContext } from './actions';
import { audit } from './audit';
import { maySeeHouseholdPrivate } from './permissions';

const { houses, households, areas, disbursements, allocations, photos, contributions, donors, journalEntries, staffUsers } = schema;

export const PAGE_SIZE = 50;

export async function listHouses(db: Db, filter: { q?: string; page?: number }) {
  const where: SQL[] = [];
  const q = filter.q?.trim();
  if (q) {
    const like = `%${q.replace(/[%_\\]/g, '\\$&')}%`;
    where.push(or(ilike(houses.publicCode, like), ilike(households.headFullName, like), ilike(areas.name, like))!);
  }
  const page = Math.max(1, filter.page ?? 1);
  const rows = await db.select({ house: houses, head: households.headFullName, area: areas.name })
    .from(houses).innerJoin(households, eq(households.id, houses.householdId)).innerJoin(areas, eq(areas.id, houses.areaId))
    .where(and(...where)).orderBy(houses.id).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE);
  return { rows: rows.slice(0, PAGE_SIZE).map((r) => ({ ...r, stage: stageOf(r.house) })), page, more: rows.length > PAGE_SIZE };
}

export type HouseDetail = NonNullable<Awaited<ReturnType<typeof houseDetail>>>;

// A house as the workspace shows it; the household's private fields (ID number, phone, address)
// come back only to someone allowed to see them, and each such view is written to the audit log.
export async function houseForStaff(ctx: Pick<ActionContext, 'db' | 'user' | 'communeIds' | 'ip'>, houseId: number): Promise<(HouseDetail & { privateShown: boolean }) | undefined> {
  const detail = await houseDetail(ctx.db, houseId);
  if (!detail) return undefined;
  const privateShown = maySeeHouseholdPrivate(ctx.user.role, ctx.communeIds, detail.house.areaId);
  if (!privateShown) return { ...detail, household: { ...detail.household, nationalId: null, phone: null, address: null }, privateShown };
  await audit(ctx.db, { actor: ctx.user.username, action: 'household.private_view', outcome: 'ok', target: `household:${detail.household.id}`, ip: ctx.ip });
  return { ...detail, privateShown };
}

export async function houseDetail(db: Db, houseId: number) {
  const [row] = await db.select({ house: houses, household: households, area: areas })
    .from(houses).innerJoin(households, eq(households.id, houses.householdId)).innerJoin(areas, eq(areas.id, houses.areaId))
    .where(eq(houses.id, houseId));
  if (!row) return undefined;
  const [gifts, payments, allocated, pictures] = await Promise.all([
    db.select({ c: contributions, donor: donors }).from(contributions).innerJoin(donors, eq(donors.id, contributions.donorId))
      .where(eq(contributions.targetHouseId, houseId)).orderBy(desc(contributions.receivedAt)).limit(200),
    db.select().from(disbursements).where(eq(disbursements.houseId, houseId)).orderBy(desc(disbursements.id)),
    db.select().from(allocations).where(eq(allocations.houseId, houseId)).orderBy(desc(allocations.id)),
    db.select().from(photos).where(eq(photos.houseId, houseId)).orderBy(photos.id),
  ]);
  return {
    ...row,
    stage: stageOf(row.house),
    gifts: gifts.map(({ c, donor }) => ({ ...c, donorName: publicDonorName(donor) })),
    payments, allocated, pictures,
  };
}

export async function listDisbursements(db: Db) {
  return db.select({ d: disbursements, publicCode: houses.publicCode }).from(disbursements).innerJoin(houses, eq(houses.id, disbursements.houseId))
    .orderBy(sql`${disbursements.status} <> 'pending'`, desc(disbursements.id)).limit(100);
}

export async function disbursementDetail(db: Db, id: number) {
  const [row] = await db.select({ d: disbursements, house: houses }).from(disbursements).innerJoin(houses, eq(houses.id, disbursements.houseId))
    .where(eq(disbursements.id, id));
  return row;
}

// A pool in words, never its key ("commune:83"): the general fund, or the commune it serves by name.
export function poolName(key: string, communeName: string | null | undefined): [string, string] {
  const areaId = parsePoolKey(key);
  if (areaId === null) return ['Quỹ chung', 'General fund'];
  const name = communeName ?? `#${areaId}`;
  return [`Quỹ của ${name}`, `Pool of ${name}`];
}

// Only the communes in scope (null: every commune), as a condition on a column holding a commune id.
const inScope = (column: SQL, communeIds: ReadonlySet<number> | null): SQL =>
  communeIds === null ? sql`true` : communeIds.size === 0 ? sql`false` : sql`${column} IN (${sql.join([...communeIds].map((id) => sql`${id}`), sql`, `)})`;

// A commune's pool serves only its own houses, so a non-general allocation came from the house's commune.
export async function recentAllocations(db: Db) {
  const rows = await db.select({ a: allocations, publicCode: houses.publicCode, commune: areas.name }).from(allocations)
    .innerJoin(houses, eq(houses.id, allocations.houseId)).innerJoin(areas, eq(areas.id, houses.areaId))
    .orderBy(desc(allocations.id)).limit(30);
  return rows.map((r) => ({ ...r, poolName: poolName(r.a.poolKey, r.commune) }));
}

// Houses whose budget the ledger does not yet cover in the approver's communes, longest waiting first, with
// what their commune's pool holds and what the allocate action offers (src/ledger decides which pool and how much).
export async function housesStillShort(db: Db, communeIds: ReadonlySet<number> | null, limit = 50) {
  const rows = await queryRows<{ id: number; public_code: string; commune: string; district: string | null; budget_vnd: string; allocated_vnd: string; approved_on: string; pool: string | null }>(db, sql`
    SELECT h.id, h.public_code, a.name AS commune, d.name AS district, h.budget_vnd, h.allocated_vnd, h.approved_on,
      (SELECT sum(p.remaining_vnd) FROM pool_lots p WHERE p.area_id = h.area_id AND p.pool_key <> 'general') AS pool
    FROM houses h JOIN areas a ON a.id = h.area_id LEFT JOIN areas d ON d.id = a.parent_id
    WHERE h.allocated_vnd < h.budget_vnd AND ${inScope(sql`h.area_id`, communeIds)}
    ORDER BY h.approved_on, h.id LIMIT ${limit}`);
  return rows.map((r) => {
    const shortVnd = Number(r.budget_vnd) - Number(r.allocated_vnd);
    const communePoolVnd = Number(r.pool ?? 0);
    return {
      houseId: Number(r.id), publicCode: r.public_code, commune: r.commune, district: r.district, budgetVnd: Number(r.budget_vnd),
      shortVnd, approvedOn: String(r.approved_on), communePoolVnd, suggestion: suggestedAllocation(shortVnd, communePoolVnd),
    };
  });
}

// What each pool holds now, named in words: the general fund and the fullest commune pools (those in scope).
export async function poolBalances(db: Db, communeIds: ReadonlySet<number> | null) {
  const rows = await queryRows<{ pool_key: string; name: string | null; code: string | null; remaining: string }>(db, sql`
    SELECT p.pool_key, a.name, a.code, sum(p.remaining_vnd) AS remaining FROM pool_lots p LEFT JOIN areas a ON a.id = p.area_id
    WHERE p.pool_key = 'general' OR ${inScope(sql`p.area_id`, communeIds)}
    GROUP BY p.pool_key, a.name, a.code HAVING sum(p.remaining_vnd) > 0 ORDER BY p.pool_key <> 'general', sum(p.remaining_vnd) DESC LIMIT 30`);
  return rows.map((r) => ({ name: poolName(r.pool_key, r.name), code: r.code, remainingVnd: Number(r.remaining) }));
}

// An entry as a person reads it: each line's account, house and commune by name, the gift's donor and
// items, and who recorded it (from the audit log; money that came by card or bank has no recorder).
export async function entryForCorrection(db: Db, entryId: number) {
  const entry = await loadEntry(db, entryId);
  if (!entry) return undefined;
  const [reversal] = await db.select({ id: journalEntries.id }).from(journalEntries).where(eq(journalEntries.reversesEntryId, entryId));
  const houseIds = [...new Set(entry.lines.flatMap((l) => (l.houseId ? [l.houseId] : [])))];
  const houseRows = houseIds.length ? await db.select({ id: houses.id, code: houses.publicCode, areaId: houses.areaId }).from(houses).where(inArray(houses.id, houseIds)) : [];
  const houseById = new Map(houseRows.map((h) => [h.id, h]));
  // A house's line names the house's commune when the line itself carries none.
  const areaIds = [...new Set([...entry.lines.flatMap((l) => (l.areaId ? [l.areaId] : [])), ...houseRows.map((h) => h.areaId)])];
  const areaNames = new Map((areaIds.length ? await db.select({ id: areas.id, name: areas.name }).from(areas).where(inArray(areas.id, areaIds)) : []).map((a) => [a.id, a.name]));
  const [gift] = entry.contributionId === null ? [] : await db.select({
    receiptCode: contributions.receiptCode, details: contributions.details, displayName: donors.displayName, anonymous: donors.anonymous,
  }).from(contributions).innerJoin(donors, eq(donors.id, contributions.donorId)).where(eq(contributions.id, entry.contributionId));
  const items = ((gift?.details as { items?: Parameters<typeof describeItem>[0][] } | null)?.items ?? []).map(describeItem);
  const [recorder] = await queryRows<{ actor: string; display_name: string | null }>(db, sql`
    SELECT a.actor, u.display_name FROM audit_log a LEFT JOIN staff_users u ON u.username = a.actor
    WHERE a.outcome = 'ok' AND (a.details->>'entryId' = ${String(entryId)} OR a.details->>'reversalEntryId' = ${String(entryId)})
    ORDER BY a.id LIMIT 1`);
  const [payment] = await db.select({ recordedBy: disbursements.recordedBy, decidedBy: disbursements.decidedBy }).from(disbursements).where(eq(disbursements.entryId, entryId));
  return {
    entry, reversedBy: reversal?.id ?? null,
    lines: entry.lines.map((l) => ({
      ...l, accountVi: ui.vi.account[l.account], accountEn: ui.en.account[l.account],
      houseCode: l.houseId ? houseById.get(l.houseId)?.code ?? null : null,
      areaName: areaNames.get(l.areaId ?? (l.houseId ? houseById.get(l.houseId)?.areaId ?? 0 : 0)) ?? null,
    })),
    receiptCode: gift?.receiptCode ?? null,
    donor: gift ? { name: gift.displayName ?? publicDonorName(gift), anonymous: gift.anonymous } : null,
    items,
    recorder: payment ? `${payment.recordedBy} (duyệt: ${payment.decidedBy})` : recorder ? recorder.display_name ?? recorder.actor : null,
  };
}

// Of these entries, those a person may look into: every one when their scope is everywhere (communeIds null),
// else those touching a commune in scope (a line's house or area, or the gift's target commune) and those they
// recorded themselves (office cash for the general fund touches no commune).
export async function entriesInScope(db: Db, entryIds: number[], viewer: { communeIds: ReadonlySet<number> | null; username: string }): Promise<Set<number>> {
  if (viewer.communeIds === null || entryIds.length === 0) return new Set(viewer.communeIds === null ? entryIds : []);
  const rows = await queryRows<{ id: string }>(db, sql`
    SELECT DISTINCT e.id FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id LEFT JOIN houses h ON h.id = l.house_id
    LEFT JOIN contributions c ON c.id = e.contribution_id
    WHERE e.id IN (${sql.join(entryIds.map((id) => sql`${id}`), sql`, `)})
      AND (${inScope(sql`coalesce(h.area_id, l.area_id)`, viewer.communeIds)} OR ${inScope(sql`c.target_area_id`, viewer.communeIds)}
        OR EXISTS (SELECT 1 FROM audit_log a WHERE a.actor = ${viewer.username} AND a.outcome = 'ok' AND a.details->>'entryId' = e.id::text))`);
  return new Set(rows.map((r) => Number(r.id)));
}

export async function recentEntries(db: Db) {
  return db.select().from(journalEntries).orderBy(desc(journalEntries.id)).limit(20);
}

// Each account with its failed sign-ins still remembered, summed over the addresses they came from.
export async function listAccounts(db: Db) {
  const failures = sql<number>`coalesce((SELECT sum(t.failed_count)::int FROM login_throttle t
    WHERE position(' ' in t.address) > 0 AND substr(t.address, position(' ' in t.address) + 1) = ${staffUsers.username}), 0)`;
  return db.select({
    id: staffUsers.id, username: staffUsers.username, displayName: staffUsers.displayName, role: staffUsers.role, areaIds: staffUsers.areaIds,
    failedCount: failures, disabled: staffUsers.disabled, createdAt: staffUsers.createdAt,
    // The areas by name, so an administrator sees where each recorder may record.
    areaNames: sql<string | null>`(SELECT string_agg(a.name, ', ' ORDER BY a.name) FROM areas a WHERE a.id = ANY(${staffUsers.areaIds}))`,
    areaCodes: sql<string | null>`(SELECT string_agg(a.code, ', ' ORDER BY a.code) FROM areas a WHERE a.id = ANY(${staffUsers.areaIds}))`,
  }).from(staffUsers).orderBy(staffUsers.username);
}

export async function pendingCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(disbursements).where(eq(disbursements.status, 'pending'));
  return Number(row?.n ?? 0);
}

// Only the last digits of a private identifier, so staff can tell records apart without reading it.
export function maskPrivate(value: string | null): string | null {
  return value ? `…${value.replace(/\s/g, '').slice(-3)}` : null;
}

// Donors by public name, or by an exact tax code, phone or email (found privately, shown masked), with their gifts.
export async function listDonors(db: Db, q: string) {
  const term = q.trim();
  const like = `%${term.replace(/[%_\\]/g, '\\$&')}%`;
  const rows = await queryRows<{ id: number; kind: string; display_name: string | null; anonymous: boolean; tax_code: string | null; phone: string | null; email: string | null; merged_into_id: number | null; gifts: number; total: string | null }>(db, sql`
    SELECT d.id, d.kind, d.display_name, d.anonymous, d.tax_code, d.phone, d.email, d.merged_into_id,
      (SELECT count(*)::int FROM contributions k WHERE k.donor_id = d.id) AS gifts,
      (SELECT sum(k.amount_vnd) FROM contributions k WHERE k.donor_id = d.id) AS total
    FROM donors d
    WHERE d.kind <> 'state' AND (${term} = '' OR d.display_name ILIKE ${like} OR d.tax_code = ${term} OR d.phone = ${term} OR lower(d.email) = lower(${term})
      OR d.merged_into_id IS NOT NULL AND ${term} = '')
    ORDER BY d.merged_into_id IS NULL, d.id DESC LIMIT 100`);
  return rows.map((r) => ({
    id: Number(r.id), kind: r.kind, name: publicDonorName({ anonymous: r.anonymous, displayName: r.display_name }), anonymous: r.anonymous,
    taxCode: maskPrivate(r.tax_code), phone: maskPrivate(r.phone), email: maskPrivate(r.email),
    mergedIntoId: r.merged_into_id === null ? null : Number(r.merged_into_id), gifts: Number(r.gifts), totalVnd: Number(r.total ?? 0),
  }));
}
