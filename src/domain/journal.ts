// Writing to the journal: every domain operation ends here, inside one transaction.
import { createHash } from 'node:crypto';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { pipelinedTransaction, queryRows, schema, type Db, type Tx } from '../../db/client';
import { effectsOf, type Effects } from '../ledger/effects';
import { assertBalanced, type EntryDraft, type PostedEntry } from '../ledger/entry';
import { canonicalTail } from '../ledger/hash';
import type { Lot } from '../ledger/allocation';
import type { PoolKey } from '../ledger/accounts';
import type { Vnd } from '../ledger/money';
import type { CounterState, HouseState } from '../ledger/rules';
import { DomainError, translateDbError } from './errors';
import { sealRecord } from './public-records';

const { poolLots, idempotencyKeys } = schema;

// Posts a balanced draft: counters first (their CHECKs refuse overdrafts), then the chain append,
// which takes the single chain lock last. The statements are pipelined on the connection (sent
// together, answered in order), so the lock is held for one round trip rather than several.
export async function postEntry(tx: Tx, draft: EntryDraft): Promise<PostedEntry> {
  assertBalanced(draft);
  const [, [posted]] = await Promise.all([writeCounters(tx, effectsOf(draft.lines)), appendEntries(tx, [draft])]);
  return posted!;
}

// Applies the counter changes of one entry or of a whole batch (effects summed over its entries).
export function writeCounters(tx: Tx, effects: Effects): Promise<unknown> {
  const houseDeltas = [...effects.houses].sort(([a], [b]) => a - b).map(([house_id, d]) => ({
    house_id, allocated_vnd: d.allocatedVnd, cash_allocated_vnd: d.cashAllocatedVnd, disbursed_vnd: d.disbursedVnd,
    state_allocated_vnd: d.stateAllocatedVnd, state_paid_vnd: d.statePaidVnd,
  }));
  const houseUpdates = houseDeltas.length === 0 ? [] : [queryRows(tx, sql`
    UPDATE houses h SET allocated_vnd = h.allocated_vnd + v.allocated_vnd, cash_allocated_vnd = h.cash_allocated_vnd + v.cash_allocated_vnd,
      disbursed_vnd = h.disbursed_vnd + v.disbursed_vnd, state_allocated_vnd = h.state_allocated_vnd + v.state_allocated_vnd,
      state_paid_vnd = h.state_paid_vnd + v.state_paid_vnd
    FROM jsonb_to_recordset(${JSON.stringify(houseDeltas)}::jsonb)
      AS v(house_id integer, allocated_vnd bigint, cash_allocated_vnd bigint, disbursed_vnd bigint, state_allocated_vnd bigint, state_paid_vnd bigint)
    WHERE h.id = v.house_id
    RETURNING h.id`).then((updated) => {
    if (updated.length !== houseDeltas.length) {
      const found = new Set(updated.map((row) => Number(row.id)));
      const houseId = houseDeltas.find((d) => !found.has(d.house_id))!.house_id;
      throw new DomainError(404, 'house_unknown', `Không có nhà #${houseId}.`, `No house #${houseId}.`);
    }
  })];
  const lots = [...effects.lots.values()].sort((a, b) => a.poolKey.localeCompare(b.poolKey) || a.contributionId - b.contributionId);
  const added = lots.filter((lot) => lot.deltaVnd > 0);
  const lotsAdded = added.length === 0 ? [] : [tx.execute(sql`
    INSERT INTO pool_lots (pool_key, contribution_id, area_id, remaining_vnd)
    SELECT pool_key, contribution_id, area_id, remaining_vnd FROM jsonb_to_recordset(${JSON.stringify(added.map((lot) => ({
      pool_key: lot.poolKey, contribution_id: lot.contributionId, area_id: effects.pools.get(lot.poolKey)?.areaId ?? null, remaining_vnd: lot.deltaVnd,
    })))}::jsonb) AS v(pool_key text, contribution_id integer, area_id integer, remaining_vnd bigint)
    ON CONFLICT (pool_key, contribution_id) DO UPDATE SET remaining_vnd = pool_lots.remaining_vnd + excluded.remaining_vnd`).then(() => undefined)];
  // A proposed INSERT row is checked before ON CONFLICT, so money taken out is a plain UPDATE.
  const taken = lots.filter((lot) => lot.deltaVnd < 0);
  const lotsTaken = taken.length === 0 ? [] : [queryRows(tx, sql`
    UPDATE pool_lots p SET remaining_vnd = p.remaining_vnd + v.delta_vnd
    FROM jsonb_to_recordset(${JSON.stringify(taken.map((lot) => ({ pool_key: lot.poolKey, contribution_id: lot.contributionId, delta_vnd: lot.deltaVnd })))}::jsonb)
      AS v(pool_key text, contribution_id integer, delta_vnd bigint)
    WHERE p.pool_key = v.pool_key AND p.contribution_id = v.contribution_id
    RETURNING p.contribution_id`).then((updated) => {
    if (updated.length !== taken.length) {
      throw new DomainError(409, 'lot_unknown', 'Khoản tiền trong quỹ không tồn tại.', 'The pooled money does not exist.');
    }
  })];
  return Promise.all([...houseUpdates, ...lotsAdded, ...lotsTaken]);
}

/** An entry as ledger_append() takes it: the public record salted and committed, the canonical tail rendered by the one module that hashes. */
export function appendArg(draft: EntryDraft) {
  const sealed = draft.record && sealRecord(draft.record);
  const commitment = sealed?.commitment ?? null;
  return {
    kind: draft.kind, occurred_at: draft.occurredAt.toISOString(), description: draft.description, contribution_id: draft.contributionId,
    reverses_entry_id: draft.reversesEntryId, reason: draft.reason, commitment, tail: canonicalTail({ ...draft, commitment }),
    lines: draft.lines.map((l) => [l.account, l.houseId, l.areaId, l.contributionId, l.amountVnd]),
    ...(sealed ? { record: { kind: sealed.kind, subject_id: sealed.subjectId, salt: sealed.salt, body: sealed.body } } : {}),
  };
}

// Extends the chain by every draft in one call (one chain lock, one statement), in order.
export async function appendEntries(tx: Tx, drafts: EntryDraft[]): Promise<PostedEntry[]> {
  const args = drafts.map(appendArg);
  const rows = await queryRows<{ ordinal: number; entry_id: string | number; entry_prev_hash: string; entry_hash: string }>(tx, sql`
    SELECT ordinal, entry_id, entry_prev_hash, entry_hash FROM ledger_append(${JSON.stringify(args)}::jsonb) ORDER BY ordinal`);
  return rows.map((row, i) => ({ ...drafts[i]!, commitment: args[i]!.commitment, id: Number(row.entry_id), prevHash: row.entry_prev_hash, hash: row.entry_hash }));
}

// Open lots of a pool, oldest first, locked; the pool's advisory lock keeps two allocations
// from the same pool from reading the same lots.
export async function lockPoolLots(tx: Tx, key: PoolKey, neededVnd: number): Promise<Lot[]> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`pool:${key}`}))`);
  const lots: Lot[] = [];
  let afterSeq = 0;
  let gathered = 0;
  const page = 500;
  while (gathered < neededVnd) {
    const rows = await tx
      .select({ contributionId: poolLots.contributionId, remainingVnd: poolLots.remainingVnd, seq: poolLots.seq })
      .from(poolLots)
      .where(and(eq(poolLots.poolKey, key), gt(poolLots.remainingVnd, 0), gt(poolLots.seq, afterSeq)))
      .orderBy(asc(poolLots.seq))
      .limit(page)
      .for('update');
    for (const row of rows) {
      lots.push(row);
      gathered += row.remainingVnd;
      afterSeq = row.seq;
    }
    if (rows.length < page) break;
  }
  return lots;
}

// The counters an entry changes, locked in the order writers take them (houses by id, then pool lots),
// as the shared effects rule reads them.
export async function lockCounters(tx: Tx, effects: Effects): Promise<CounterState> {
  const houses = new Map((await lockHouses(tx, [...effects.houses.keys()])).map((h) => [h.id, h]));
  const taken = [...effects.lots.values()].filter((lot) => lot.deltaVnd < 0);
  const lots = new Map<string, Vnd>();
  if (taken.length > 0) {
    const rows = await queryRows<{ pool_key: string; contribution_id: number; remaining_vnd: string | number }>(tx, sql`
      SELECT p.pool_key, p.contribution_id, p.remaining_vnd FROM pool_lots p
      JOIN jsonb_to_recordset(${JSON.stringify(taken.map((lot) => ({ pool_key: lot.poolKey, contribution_id: lot.contributionId })))}::jsonb)
        AS v(pool_key text, contribution_id integer) ON p.pool_key = v.pool_key AND p.contribution_id = v.contribution_id
      ORDER BY p.pool_key, p.contribution_id FOR UPDATE OF p`);
    for (const row of rows) lots.set(`${row.pool_key}|${row.contribution_id}`, Number(row.remaining_vnd));
  }
  return {
    house: (houseId) => {
      const house = houses.get(houseId);
      if (!house) throw new DomainError(404, 'house_unknown', `Không có nhà #${houseId}.`, `No house #${houseId}.`);
      return house;
    },
    lotRemainingVnd: (key, contributionId) => lots.get(`${key}|${contributionId}`) ?? 0,
  };
}

// THE house lock of the gift path and of reversals: rows locked in id order (no deadlock between
// batches), held to commit, so concurrent writers to one house see each other and never over-fill it.
export async function lockHouses(tx: Tx, houseIds: number[]): Promise<HouseState[]> {
  if (houseIds.length === 0) return [];
  const rows = await queryRows<Record<string, string | number>>(tx, sql`
    SELECT id, public_code, area_id, budget_vnd, allocated_vnd, cash_allocated_vnd, disbursed_vnd, state_allocated_vnd, state_paid_vnd FROM houses
    WHERE id IN (SELECT (jsonb_array_elements_text(${JSON.stringify(houseIds)}::jsonb))::integer)
    ORDER BY id FOR UPDATE`);
  return rows.map((r) => ({
    id: Number(r.id), code: String(r.public_code), areaId: Number(r.area_id), budgetVnd: Number(r.budget_vnd),
    allocatedVnd: Number(r.allocated_vnd), cashAllocatedVnd: Number(r.cash_allocated_vnd), disbursedVnd: Number(r.disbursed_vnd),
    stateAllocatedVnd: Number(r.state_allocated_vnd), statePaidVnd: Number(r.state_paid_vnd),
  }));
}

// Stable JSON (sorted keys) so the same request always hashes the same.
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

export function requestHash(request: unknown): string {
  return createHash('sha256').update(stableJson(request)).digest('hex');
}

export interface Outcome<T> {
  result: T;
  /** True when this key was seen before and the first result is returned unchanged. */
  replayed: boolean;
}

// Runs a write once per idempotency key, in one transaction (a savepoint inside a caller's batch): a repeat with the same content
// returns the first result; a repeat with different content is refused (409). The claim travels with BEGIN and the result
// with COMMIT (pipelinedTransaction). Writes that arrive together in numbers share a transaction instead (group-commit.ts).
export async function runOnce<T>(db: Db | Tx, key: string, request: unknown, write: (tx: Tx) => Promise<T>): Promise<Outcome<T>> {
  const hash = requestHash(request);
  try {
    return await pipelinedTransaction(db, async (tx, commit) => {
      const claimed = await tx.insert(idempotencyKeys).values({ key, requestHash: hash }).onConflictDoNothing().returning({ key: idempotencyKeys.key });
      if (claimed.length === 0) {
        const [first] = await tx.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
        if (first!.requestHash !== hash) {
          throw new DomainError(
            409,
            'idempotency_conflict',
            `Mã chống trùng "${key}" đã được dùng cho một yêu cầu khác; không có gì thay đổi.`,
            `Idempotency key "${key}" was already used for a different request; nothing changed.`,
          );
        }
        return { result: first!.result as T, replayed: true };
      }
      const result = await write(tx);
      await Promise.all([tx.update(idempotencyKeys).set({ result: result as never }).where(eq(idempotencyKeys.key, key)).then(() => undefined), commit()]);
      return { result, replayed: false };
    });
  } catch (error) {
    translateDbError(error);
  }
}
