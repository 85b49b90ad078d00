// What the workspace pages show, read in a few queries each; pages only render these.
import { and, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, schema, type Db } from '../../db/client';
import { loadEntry } from '../domain/corrections';
import { publicDonorName } from '../domain/donors';
import { stageOf } from '../domain/houses';
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

export async function recentAllocations(db: Db) {
  return db.select({ a: allocations, publicCode: houses.publicCode }).from(allocations).innerJoin(houses, eq(houses.id, allocations.houseId))
    .orderBy(desc(allocations.id)).limit(30);
}

// What each pool holds now: the general fund and the fullest commune pools.
export async function poolBalances(db: Db) {
  return queryRows<{ pool_key: string; name: string | null; code: string | null; remaining: string }>(db, sql`
    SELECT p.pool_key, a.name, a.code, sum(p.remaining_vnd) AS remaining FROM pool_lots p LEFT JOIN areas a ON a.id = p.area_id
    GROUP BY p.pool_key, a.name, a.code HAVING sum(p.remaining_vnd) > 0 ORDER BY p.pool_key <> 'general', sum(p.remaining_vnd) DESC LIMIT 30`);
}

export async function entryForCorrection(db: Db, entryId: number) {
  const entry = await loadEntry(db, entryId);
  if (!entry) return undefined;
  const [reversal] = await db.select({ id: journalEntries.id }).from(journalEntries).where(eq(journalEntries.reversesEntryId, entryId));
  return { entry, reversedBy: reversal?.id ?? null };
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
  }).from(staffUsers).orderBy(staffUsers.username);
}

export async function pendingCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(disbursements).where(eq(disbursements.status, 'pending'));
  return Number(row?.n ?? 0);
}
