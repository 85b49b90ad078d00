// Cash gifts posted in batches (group commit). A batch reads and locks what its gifts touch in one
// pipelined round trip, runs the ledger's rules over that state in memory (each gift sees the ones
// before it), then writes every row and extends the chain for all of them in a second round trip.
// Each gift keeps its own idempotency key, its own refusal and its own reply: a refused gift writes
// nothing, so it never fails its neighbours.
import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { pipelinedTransaction, queryRows, schema, type Db, type Tx } from '../../db/client';
import type { GiftSplit } from '../ledger/allocation';
import { effectsOf, type Effects } from '../ledger/effects';
import type { EntryDraft } from '../ledger/entry';
import { LedgerRuleError } from '../ledger/errors';
import { cashGift, type HouseState, type LedgerState } from '../ledger/rules';
import { newReceiptCode } from './codes';
import { batchDonorKeys, findReturningDonor, type ReturningDonor } from './donors';
import { DomainError, fromLedgerRule, notFound, pgErrorOf, translateDbError } from './errors';
import { appendArg, lockHouses, requestHash, writeCounters, type Outcome } from './journal';
import { GroupCommit, groupCommitFor } from './group-commit';
import { contributionRecords, recordLookup } from './public-records';
import type { cashContributionInput } from './schemas';

export type CashInput = z.output<typeof cashContributionInput>;

export interface CashResult {
  contributionId: number;
  receiptCode: string;
  entryId: number;
  entryHash: string;
  split: GiftSplit;
  feeVnd: number;
  /** Set when the gift was recorded under a donor already on record (matched privately). */
  returningDonor?: ReturningDonor;
}

/** One gift's answer: its outcome, or the error that concerns it alone (a DomainError when it is a refusal). */
export type GiftReply = Outcome<CashResult> | Error;

// The request as hashed for idempotency: everything but the key itself.
export function requestOf<T extends { idempotencyKey: string }>(input: T): Omit<T, 'idempotencyKey'> {
  const { idempotencyKey: _key, ...request } = input;
  return request;
}

// Gifts that may overflow to a commune's pool queue on that pool's lock (the one allocations from it take,
// after the house lock), in id order, so two never both read the same room: without it, concurrent gifts
// to a commune and its houses filled the pool beyond what the houses still lacked (tests/db/races.suite.ts).
async function lockCommunePools(tx: Tx, houseIds: number[], areaIds: number[]): Promise<void> {
  if (houseIds.length + areaIds.length === 0) return;
  await tx.execute(sql`
    SELECT pg_advisory_xact_lock(hashtext('pool:commune:' || a.id)) FROM (
      SELECT id FROM areas
      WHERE id IN (SELECT (jsonb_array_elements_text(${JSON.stringify(areaIds)}::jsonb))::integer)
         OR id IN (SELECT area_id FROM houses WHERE id IN (SELECT (jsonb_array_elements_text(${JSON.stringify(houseIds)}::jsonb))::integer))
      ORDER BY id) a`);
}

// The ledger state a batch reads: its houses (locked) and the room left in the communes it touches.
class BatchState implements Pick<LedgerState, 'house' | 'communeCapacityVnd'> {
  constructor(readonly houses: Map<number, HouseState>, readonly areas: Map<number, { level: string; capacityVnd: number }>) {}

  house(houseId: number): HouseState {
    const found = this.houses.get(houseId);
    if (!found) throw notFound(`nhà #${houseId}`, `House #${houseId}`);
    return found;
  }

  communeCapacityVnd(areaId: number): number {
    return this.areas.get(areaId)?.capacityVnd ?? 0;
  }

  // What the next gift in the batch must see: this entry's counters, applied in memory.
  apply(effects: Effects): void {
    for (const [houseId, delta] of effects.houses) {
      const house = this.house(houseId);
      house.allocatedVnd += delta.allocatedVnd;
      const area = this.areas.get(house.areaId);
      if (area) area.capacityVnd -= delta.allocatedVnd;
    }
    for (const pool of effects.pools.values()) {
      const area = pool.areaId === null ? undefined : this.areas.get(pool.areaId);
      if (area) area.capacityVnd -= pool.deltaVnd;
    }
  }
}

interface Accepted {
  index: number;
  input: CashInput;
  hash: string;
  draft: EntryDraft;
  donor: (Omit<typeof schema.donors.$inferInsert, 'id'> & { id: number }) | null;
  contribution: typeof schema.contributions.$inferInsert;
  result: Omit<CashResult, 'entryId' | 'entryHash'>;
}

// A refusal as the caller sees it: ledger rules and database refusals become DomainErrors; anything else stays as it is.
export function asDomainError(error: unknown): Error {
  if (error instanceof DomainError) return error;
  if (error instanceof LedgerRuleError) return fromLedgerRule(error);
  try {
    translateDbError(error);
  } catch (translated) {
    if (translated instanceof Error) return translated;
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Contribution and donor ids reserved for one batch (from IdBlocks), in the order its gifts use them. */
export interface BatchIds { contributionIds: number[]; donorIds: number[] }

export interface BatchOptions {
  /** Ids taken ahead of time; without them they are read from the sequences with the batch's state. */
  ids?: BatchIds;
  /** Sends COMMIT behind the last writes (pipelinedTransaction); without it the caller commits. */
  commit?: () => Promise<unknown>;
  /** Read the batch's idempotency keys before writing; needed only when no ids were given or a key was found taken. */
  checkKeys?: boolean;
  /** Queues the caller's own writes that follow from the answers (contribution ids and splits known, entries not yet)
   * before the chain append, so the append, and the chain lock it takes, comes last: held for one round trip. */
  beside?: (planned: PlannedReply[]) => Promise<unknown>;
  /** Queues the caller's writes that read the entries, right behind the append and before COMMIT. */
  after?: () => Promise<unknown>;
}

/** A batch posted without a savepoint failed in the database: the caller's transaction is lost, and the work is done again isolated. */
export class PipelineFailed extends Error {
  // Rethrows any failure of the unprotected batch as this, so the caller knows to start again isolated.
  static wrap(error: unknown): never {
    throw new PipelineFailed(error instanceof Error ? error.message : String(error));
  }
}

/** A gift's answer before its entry is appended: what it will be, or its refusal. */
export type PlannedReply = Omit<CashResult, 'entryId' | 'entryHash'> | Error;

// Posts a batch of parsed cash gifts inside the caller's transaction; their keys must differ. Two round
// trips at most: the locked state (none for a batch of general-fund gifts by new donors with ids reserved),
// then every write with the chain and the keys. A key claimed before fails the batch as a whole
// (idempotency_keys_pkey), and postCashGiftsIsolated reads the keys and tries again.
export async function postCashGifts(tx: Tx, inputs: CashInput[], options: BatchOptions = {}): Promise<GiftReply[]> {
  if (new Set(inputs.map((i) => i.idempotencyKey)).size !== inputs.length) throw new Error('postCashGifts: one idempotency key per batch');
  const houseIds = [...new Set(inputs.flatMap((i) => (i.target.type === 'house' ? [i.target.houseId] : [])))].sort((a, b) => a - b);
  const areaIds = [...new Set(inputs.flatMap((i) => (i.target.type === 'commune' ? [i.target.areaId] : [])))];
  const knownDonorIds = inputs.flatMap((i) => ('donorId' in i ? [i.donorId] : []));
  const newDonors = inputs.filter((i) => 'donor' in i).length;
  const checkKeys = options.checkKeys ?? !options.ids;
  // One round trip: the statements are pipelined (behind BEGIN); the house and commune locks come first, so the room read after them is current.
  const [seen, locked, , areaRows, read, lookup, returning] = await Promise.all([
    !checkKeys ? [] : queryRows<{ key: string; request_hash: string; result: unknown }>(tx, sql`
      SELECT key, request_hash, result FROM idempotency_keys WHERE key IN (SELECT jsonb_array_elements_text(${JSON.stringify(inputs.map((i) => i.idempotencyKey))}::jsonb))`),
    lockHouses(tx, houseIds),
    lockCommunePools(tx, houseIds, areaIds),
    houseIds.length + areaIds.length === 0 ? [] : queryRows<{ id: number; level: string; capacity: string | number }>(tx, sql`
      SELECT a.id, a.level,
        (SELECT coalesce(sum(budget_vnd - allocated_vnd), 0) FROM houses WHERE area_id = a.id)
        - (SELECT coalesce(sum(remaining_vnd), 0) FROM pool_lots WHERE pool_key = 'commune:' || a.id) AS capacity
      FROM areas a
      WHERE a.id IN (SELECT (jsonb_array_elements_text(${JSON.stringify(areaIds)}::jsonb))::integer)
         OR a.id IN (SELECT area_id FROM houses WHERE id IN (SELECT (jsonb_array_elements_text(${JSON.stringify(houseIds)}::jsonb))::integer))`),
    options.ids ? undefined : queryRows<{ contribution_id: string | number; donor_id: string | number | null }>(tx, sql`
      SELECT nextval('contributions_id_seq') AS contribution_id, CASE WHEN g <= ${newDonors} THEN nextval('donors_id_seq') END AS donor_id
      FROM generate_series(1, ${inputs.length}) AS g ORDER BY g`),
    // What the public records show of known donors, houses and communes, read with the state.
    recordLookup(tx, { donorIds: knownDonorIds, houseIds, areaIds, areasOfHouses: true }),
    // A returning donor (same tax code, phone or email) keeps one record, so lists name them once.
    Promise.all(inputs.map((i) => ('donor' in i ? findReturningDonor(tx, i.donor) : undefined))),
  ]);
  const ids = options.ids ?? {
    contributionIds: read!.map((row) => Number(row.contribution_id)),
    donorIds: read!.flatMap((row) => (row.donor_id === null ? [] : [Number(row.donor_id)])),
  };
  const seenByKey = new Map(seen.map((row) => [row.key, row]));
  const state = new BatchState(new Map(locked.map((h) => [h.id, h])), new Map(areaRows.map((a) => [Number(a.id), { level: a.level, capacityVnd: Number(a.capacity) }])));
  const donorIds = [...ids.donorIds];
  const replies: GiftReply[] = [];
  const accepted: Accepted[] = [];
  const newDonorIds = new Map<string, number>();
  inputs.forEach((input, index) => {
    const hash = requestHash(requestOf(input));
    const first = seenByKey.get(input.idempotencyKey);
    if (first) {
      replies.push(first.request_hash === hash ? { result: first.result as CashResult, replayed: true } : new DomainError(
        409,
        'idempotency_conflict',
        `Mã chống trùng "${input.idempotencyKey}" đã được dùng cho một yêu cầu khác; không có gì thay đổi.`,
        `Idempotency key "${input.idempotencyKey}" was already used for a different request; nothing changed.`,
      ));
      return;
    }
    try {
      const { target } = input;
      if (target.type === 'commune') {
        const area = state.areas.get(target.areaId);
        if (!area) throw notFound(`xã #${target.areaId}`, `Commune #${target.areaId}`);
        if (area.level !== 'commune') throw new DomainError(400, 'not_a_commune', 'Chỉ có thể ủng hộ cho một xã.', 'Only a commune can be a target.');
      }
      const contributionId = ids.contributionIds[index]!;
      const receiptCode = input.receiptCode ?? newReceiptCode();
      const gift = cashGift(state, {
        contributionId, receiptCode, channel: input.channel, amountVnd: input.amountVnd, feeVnd: input.feeVnd,
        target: target.type, houseId: target.type === 'house' ? target.houseId : null, areaId: target.type === 'commune' ? target.areaId : null,
        occurredAt: input.receivedAt,
      });
      state.apply(effectsOf(gift.draft.lines));
      const reused = returning[index];
      // A new donor seen earlier in this batch (same tax code, phone or email) is that record.
      const keys = 'donor' in input && !reused ? batchDonorKeys(input.donor) : [];
      const earlier = keys.map((key) => newDonorIds.get(key)).find((id) => id !== undefined);
      const donorId = 'donorId' in input ? input.donorId : reused?.donorId ?? earlier ?? donorIds.shift()!;
      for (const key of keys) if (!newDonorIds.has(key)) newDonorIds.set(key, donorId);
      accepted.push({
        index, input, hash, draft: gift.draft,
        donor: 'donor' in input && !reused && earlier === undefined ? { ...input.donor, id: donorId, displayName: input.donor.anonymous ? null : input.donor.displayName } : null,
        contribution: {
          id: contributionId, receiptCode, campaignId: input.campaignId, donorId, kind: 'cash', channel: input.channel, amountVnd: input.amountVnd,
          targetType: target.type, targetHouseId: gift.houseId, targetAreaId: gift.communeAreaId, receivedAt: input.receivedAt,
          details: { feeVnd: input.feeVnd, officeReceiptNo: input.officeReceiptNo ?? null },
        },
        result: { contributionId, receiptCode, split: gift.split, feeVnd: input.feeVnd, ...(reused ? { returningDonor: reused } : {}) },
      });
      replies.push(undefined as never);
    } catch (error) {
      // A donor whose gift is refused keeps no reserved id: the next new donor takes it.
      replies.push(asDomainError(error));
    }
  });
  if (accepted.length === 0) return replies;
  const effects: Effects = { houses: new Map(), pools: new Map(), lots: new Map() };
  for (const gift of accepted) effectsOf(gift.draft.lines, effects);
  const donors = accepted.flatMap((gift) => (gift.donor ? [gift.donor] : []));
  const records = await contributionRecords(tx, accepted.map((gift) => ({ contribution: gift.contribution, newDonor: gift.donor })), lookup);
  // A replayed gift is planned as its first result (the accepted ones' places are filled next).
  const planned: PlannedReply[] = replies.map((reply) => (reply instanceof Error || reply === undefined ? reply : reply.result));
  for (const gift of accepted) planned[gift.index] = gift.result;
  // Second round trip: rows, counters, the caller's writes, then the chain and the keys with their results in one statement, and COMMIT.
  const [, , , , appended] = await Promise.all([
    // Written from JSON rather than through Drizzle's insert builder, which cost more client time than the rest of a gift;
    // `.then` starts each statement now, so they go out in this order.
    donors.length === 0 ? undefined : tx.execute(sql`
      INSERT INTO donors (id, kind, display_name, anonymous, email, phone, tax_code)
      SELECT id, kind, display_name, anonymous, email, phone, tax_code FROM jsonb_to_recordset(${JSON.stringify(donors.map((d) => ({
        id: d.id, kind: d.kind, display_name: d.displayName, anonymous: d.anonymous ?? false, email: d.email ?? null, phone: d.phone ?? null, tax_code: d.taxCode ?? null,
      })))}::jsonb) AS d(id integer, kind text, display_name text, anonymous boolean, email text, phone text, tax_code text)`).then(() => undefined),
    tx.execute(sql`
      INSERT INTO contributions (id, receipt_code, campaign_id, donor_id, kind, channel, amount_vnd, target_type, target_house_id, target_area_id, received_at, details)
      SELECT id, receipt_code, campaign_id, donor_id, kind, channel, amount_vnd, target_type, target_house_id, target_area_id, received_at, details
      FROM jsonb_to_recordset(${JSON.stringify(accepted.map(({ contribution: c }) => ({
        id: c.id, receipt_code: c.receiptCode, campaign_id: c.campaignId, donor_id: c.donorId, kind: c.kind, channel: c.channel, amount_vnd: c.amountVnd,
        target_type: c.targetType, target_house_id: c.targetHouseId, target_area_id: c.targetAreaId, received_at: c.receivedAt, details: c.details,
      })))}::jsonb) AS c(id integer, receipt_code text, campaign_id integer, donor_id integer, kind text, channel text, amount_vnd bigint,
        target_type text, target_house_id integer, target_area_id integer, received_at timestamptz, details jsonb)`).then(() => undefined),
    writeCounters(tx, effects),
    options.beside?.(planned),
    queryRows<{ ordinal: number; entry_id: string | number; entry_hash: string }>(tx, sql`
      WITH appended AS (SELECT * FROM ledger_append(${JSON.stringify(accepted.map((gift, n) => appendArg({ ...gift.draft, record: records[n] })))}::jsonb)),
      claimed AS (
        INSERT INTO idempotency_keys (key, request_hash, result)
        SELECT k.key, k.request_hash, k.result || jsonb_build_object('entryId', a.entry_id, 'entryHash', a.entry_hash)
        FROM jsonb_to_recordset(${JSON.stringify(accepted.map((gift, n) => ({ key: gift.input.idempotencyKey, request_hash: gift.hash, result: gift.result, ordinal: n + 1 })))}::jsonb)
          AS k(key text, request_hash text, result jsonb, ordinal integer)
        JOIN appended a ON a.ordinal = k.ordinal)
      SELECT ordinal, entry_id, entry_hash FROM appended ORDER BY ordinal`),
    // Drizzle hands a statement over a few microtasks after it is made (queryRows one later than `.then`):
    // the caller's later writes wait for the microtasks to drain, so they surely follow the append.
    options.after && new Promise((queued) => setImmediate(queued)).then(options.after),
    options.commit?.(),
  ]);
  appended.forEach((row, n) => {
    const gift = accepted[n]!;
    replies[gift.index] = { result: { ...gift.result, entryId: Number(row.entry_id), entryHash: row.entry_hash }, replayed: false };
  });
  return replies;
}

// Runs a batch in its own transaction (a savepoint inside a caller's); if the database refuses the
// batch as a whole (a constraint no rule foresaw, a key claimed by a concurrent writer), each gift
// is tried alone, so the refusal lands on the gift that caused it and the others still post.
export async function postCashGiftsIsolated(db: Db | Tx, inputs: CashInput[], attempt = 1, blocks?: IdBlocks): Promise<GiftReply[]> {
  const ids = blocks && (await blocks.take(inputs.length, inputs.filter((i) => 'donor' in i).length));
  try {
    return await pipelinedTransaction(db, (tx, commit) => postCashGifts(tx, inputs, { ids, commit, checkKeys: attempt > 1 || !ids }));
  } catch (error) {
    // A key claimed before (or by a concurrent writer): read the keys, and that gift is a replay.
    const pg = pgErrorOf(error);
    if (pg?.code === '23505' && (pg.constraint_name ?? pg.constraint) === 'idempotency_keys_pkey' && attempt < 3) return postCashGiftsIsolated(db, inputs, attempt + 1, blocks);
    if (inputs.length === 1) return [asDomainError(error)];
    const replies: GiftReply[] = [];
    for (const input of inputs) replies.push(...(await postCashGiftsIsolated(db, [input], 1, blocks)));
    return replies;
  }
}

// Contribution and donor ids taken from their sequences a block at a time, so a batch of general-fund
// gifts needs no round trip before its writes. Ids a batch does not use are lost, as a sequence's are.
export class IdBlocks {
  private readonly contributionIds: number[] = [];
  private readonly donorIds: number[] = [];

  constructor(private readonly db: Db, private readonly blockSize = 256) {}

  async take(contributions: number, donors: number): Promise<BatchIds> {
    while (this.contributionIds.length < contributions || this.donorIds.length < donors) {
      const rows = await queryRows<{ c: string | number; d: string | number }>(this.db, sql`
        SELECT nextval('contributions_id_seq') AS c, nextval('donors_id_seq') AS d FROM generate_series(1, ${Math.max(this.blockSize, contributions, donors)}) ORDER BY 1`);
      for (const row of rows) {
        this.contributionIds.push(Number(row.c));
        this.donorIds.push(Number(row.d));
      }
    }
    return { contributionIds: this.contributionIds.splice(0, contributions), donorIds: this.donorIds.splice(0, donors) };
  }
}

// The cash gifts of one database handle (the server has one) posted by group commit, with ids taken a block at a time.
export function committerFor(db: Db): GroupCommit<CashInput, GiftReply> {
  return groupCommitFor(db, 'cash-gifts', () => {
    const ids = new IdBlocks(db);
    return new GroupCommit<CashInput, GiftReply>((inputs) => postCashGiftsIsolated(db, inputs, 1, ids), (input) => [input.idempotencyKey]);
  });
}

// Inside a caller's transaction the gift joins that transaction; otherwise it joins the database's batch.
export function postCashGift(db: Db | Tx, input: CashInput): Promise<GiftReply> {
  if (db instanceof PgTransaction) return postCashGiftsIsolated(db, [input]).then(([reply]) => reply!);
  return committerFor(db as Db).submit(input);
}
