// Group commit of cash gifts: a batch answers each gift alone, races never over-fill a house, and
// the database path writes byte for byte the journal the in-memory Book writes from the same rules.
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgres, pipelinedTransaction, queryRows, schema, type DbHandle } from '../../db/client';
import { recordCashContribution } from '../../src/domain/contributions';
import { DomainError } from '../../src/domain/errors';
import { committerFor, postCashGifts, postCashGiftsIsolated, type CashInput, type CashResult } from '../../src/domain/gift-batch';
import { cashContributionInput } from '../../src/domain/schemas';
import { campaignTotals } from '../../src/domain/totals';
import { verifyLedger } from '../../src/domain/verify';
import { Book } from '../../src/ledger/book';
import { loadEntry } from '../../src/domain/corrections';
import { cashGift } from '../../src/ledger/rules';
import { buildWorld, nextKey, type World } from './world';
import type { FreshDb } from './harness';

// A parsed gift, as the committer receives it, with sensible defaults.
function gift(world: World, overrides: Record<string, unknown> = {}): CashInput {
  return cashContributionInput.parse({
    idempotencyKey: nextKey('batch'), campaignId: world.campaignId, channel: 'bank_transfer', amountVnd: 1_000_000,
    target: { type: 'general' }, receivedAt: '2024-09-01T03:00:00Z', donor: { kind: 'individual', displayName: 'Người Thử' }, ...overrides,
  });
}

async function entryCount(handle: DbHandle): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(handle.db, sql`SELECT count(*) AS n FROM journal_entries`);
  return Number(row!.n);
}

export function giftBatchSuite(driver: string, fresh: FreshDb): void {
  describe(`group commit of cash gifts (${driver})`, () => {
    let handle: DbHandle;
    let world: World;
    /** The record entries the world's house registrations posted before any gift. */
    let base: number;
    beforeEach(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db);
      base = await entryCount(handle);
    });
    afterEach(async () => {
      await handle?.close();
    });

    it('a batch with a refused gift in the middle posts the others and refuses only that one', async () => {
      const district = Number((await queryRows<{ id: number }>(handle.db, sql`SELECT id FROM areas WHERE level = 'district'`))[0]!.id);
      const inputs = [
        gift(world, { amountVnd: 2_000_000 }),
        gift(world, { target: { type: 'house', houseId: world.houses[0]!.houseId } }),
        gift(world, { target: { type: 'commune', areaId: district } }),
        gift(world, { target: { type: 'house', houseId: 999_999 } }),
        gift(world, { amountVnd: 3_000_000, target: { type: 'commune', areaId: world.communeA } }),
      ];
      const replies = await handle.db.transaction((tx) => postCashGifts(tx, inputs));
      expect(replies.map((r) => (r instanceof DomainError ? r.code : 'posted'))).toEqual(['posted', 'posted', 'not_a_commune', 'not_found', 'posted']);
      const posted = replies.filter((r): r is { result: CashResult; replayed: boolean } => !(r instanceof Error));
      // Entries are consecutive in submission order; a refused gift left no row, no key and no gap.
      expect(posted.map((p) => p.result.entryId)).toEqual([base + 1, base + 2, base + 3]);
      expect(await entryCount(handle)).toBe(base + 3);
      const keys = await handle.db.select().from(schema.idempotencyKeys);
      expect(keys.map((k) => k.key).sort()).toEqual([inputs[0]!, inputs[1]!, inputs[4]!].map((i) => i.idempotencyKey).sort());
      expect((await verifyLedger(handle.db)).ok).toBe(true);
      // The refused gift, sent again once corrected, posts under the same key.
      const retried = await recordCashContribution(handle.db, { ...inputs[2]!, target: { type: 'commune', areaId: world.communeB } });
      expect(retried.replayed).toBe(false);
    });

    it('a gift the database refuses as a whole batch (unknown donor) fails alone; its neighbours post', async () => {
      const inputs = [gift(world), gift(world, { donorId: 424_242, donor: undefined }), gift(world, { amountVnd: 5_000_000 })];
      const replies = await postCashGiftsIsolated(handle.db, inputs);
      expect(replies[1]).toBeInstanceOf(DomainError);
      expect((replies[1] as DomainError).code).toBe('unknown_reference');
      expect([replies[0], replies[2]].every((r) => !(r instanceof Error))).toBe(true);
      expect(await entryCount(handle)).toBe(base + 2);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('a pipelined transaction whose statement the database refuses writes nothing, even when the refusal is caught', async () => {
      const name = nextKey('pipelined');
      const outcome = await pipelinedTransaction(handle.db, async (tx, commit) => {
        await Promise.all([
          tx.execute(sql`INSERT INTO donors (kind, display_name) VALUES ('individual', ${name})`).then(() => undefined),
          tx.execute(sql`SELECT 1 / 0`).then(() => undefined, () => undefined),
          commit(),
        ]);
      }).then(() => 'committed', () => 'refused');
      expect(await queryRows(handle.db, sql`SELECT id FROM donors WHERE display_name = ${name}`)).toEqual([]);
      // PostgreSQL answers the COMMIT of a failed transaction with ROLLBACK, and the caller is told.
      if (handle.driver === 'postgres') expect(outcome).toBe('refused');
    });

    it('concurrent gifts share commits, and a key sent twice in one wave posts once', async () => {
      const key = nextKey('twice');
      const outcomes = await Promise.all([
        ...Array.from({ length: 30 }, () => recordCashContribution(handle.db, gift(world))),
        recordCashContribution(handle.db, gift(world, { idempotencyKey: key })),
        recordCashContribution(handle.db, gift(world, { idempotencyKey: key })),
      ]);
      expect(outcomes.filter((o) => o.replayed)).toHaveLength(1);
      expect(outcomes.at(-1)!.result).toEqual(outcomes.at(-2)!.result);
      expect(await entryCount(handle)).toBe(base + 31);
      const { batches, items: gifts } = committerFor(handle.db).stats;
      expect(gifts / batches).toBeGreaterThan(2);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('fifty concurrent gifts racing for the last 1,000,000 ₫ of a house, batched and not, never over-fill it', async () => {
      const houseId = world.houses[0]!.houseId;
      await recordCashContribution(handle.db, gift(world, { amountVnd: 29_000_000, target: { type: 'house', houseId } }));
      // A pool as large as the race: half the gifts go through the group commit, half in their own transactions.
      const racer = handle.url ? openPostgres(handle.url, 50) : handle;
      const batchedBefore = committerFor(racer.db).stats.items;
      try {
        const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => {
          const input = gift(world, { amountVnd: 100_000, target: { type: 'house', houseId } });
          return i % 2 === 0 ? recordCashContribution(racer.db, input) : racer.db.transaction((tx) => recordCashContribution(tx, input));
        }));
        expect(outcomes.reduce((sum, o) => sum + o.result.split.houseVnd, 0)).toBe(1_000_000);
        expect(committerFor(racer.db).stats.items - batchedBefore).toBe(25);
      } finally {
        if (racer !== handle) await racer.close();
      }
      const totals = await campaignTotals(handle.db, world.campaignId);
      expect(totals.allocatedVnd).toBe(30_000_000);
      expect(totals.allocatedVnd + totals.communePoolsVnd + totals.generalPoolVnd).toBe(totals.cashVnd);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('typed accounts and keys: the database refuses an unknown account, entry kind or a pool key that names another commune', async () => {
      const refusedBy = async (statement: ReturnType<typeof sql>) => {
        try {
          await handle.db.transaction(async (tx) => { await tx.execute(statement); });
        } catch (error) {
          return String((error as { cause?: { constraint_name?: string; constraint?: string } }).cause?.constraint_name ?? (error as { cause?: { constraint?: string } }).cause?.constraint ?? error);
        }
        return 'accepted';
      };
      expect(await refusedBy(sql`SELECT * FROM ledger_post('contribution', now(), 'x', NULL, NULL, NULL, '{}', '[["cash_bnak",null,null,null,100],["pool_general",null,null,null,-100]]'::jsonb)`)).toMatch(/journal_lines_account_known/);
      expect(await refusedBy(sql`SELECT * FROM ledger_post('gift', now(), 'x', NULL, NULL, NULL, '{}', '[["cash_bank",null,null,null,100],["pool_general",null,null,null,-100]]'::jsonb)`)).toMatch(/journal_entries_kind_known/);
      const { result } = await recordCashContribution(handle.db, gift(world));
      expect(await refusedBy(sql`INSERT INTO pool_lots (pool_key, contribution_id, area_id, remaining_vnd) VALUES (${`commune:${world.communeB}`}, ${result.contributionId}, ${world.communeA}, 1)`)).toMatch(/pool_lots_key_matches_area/);
      expect(await refusedBy(sql`INSERT INTO pool_lots (pool_key, contribution_id, area_id, remaining_vnd) VALUES (${`commune:${world.communeA}`}, ${result.contributionId}, ${world.communeA}, 1)`)).toBe('accepted');
    });

    it('ledger:verify in parallel segments finds a changed entry inside a segment and a broken link at a seam', async () => {
      for (let i = 0; i < 30; i++) await recordCashContribution(handle.db, gift(world, { amountVnd: 1_000_000 + i }));
      // Batches of 4 in 3 segments of a third of the journal each (in parallel on PostgreSQL).
      const total = base + 30;
      const seam = Math.floor((2 * total) / 3) + 1;
      const inside = seam - 6;
      let seen = 0;
      expect(await verifyLedger(handle.db, (n) => { seen = n; }, 4, 3)).toMatchObject({ ok: true, entries: total });
      expect(seen).toBe(total);
      const tamper = async (statement: ReturnType<typeof sql>) => {
        await handle.db.execute(sql`ALTER TABLE journal_entries DISABLE TRIGGER USER`);
        await handle.db.execute(statement);
        await handle.db.execute(sql`ALTER TABLE journal_entries ENABLE TRIGGER USER`);
      };
      await tamper(sql`UPDATE journal_entries SET description = description || ' ' WHERE id = ${inside}`);
      expect((await verifyLedger(handle.db, undefined, 4, 3)).fault).toEqual({ entryId: inside, reason: 'hash does not match the entry content' });
      await tamper(sql`UPDATE journal_entries SET description = trim(description) WHERE id = ${inside}`);
      expect((await verifyLedger(handle.db, undefined, 4, 3)).ok).toBe(true);
      // The seam entry opens the third segment: a prev_hash rewritten there is caught at the seam.
      await tamper(sql`UPDATE journal_entries SET prev_hash = ${'f'.repeat(64)} WHERE id = ${seam}`);
      expect((await verifyLedger(handle.db, undefined, 4, 3)).fault).toEqual({ entryId: seam, reason: 'prev_hash does not match the hash of the entry before it' });
    }, 180_000);

    it('property: random concurrent gifts write the journal the in-memory Book writes, byte for byte', async () => {
      const giftArb = fc.record({
        target: fc.constantFrom('house0', 'house1', 'communeA', 'communeB', 'general'),
        amountVnd: fc.integer({ min: 1, max: 45_000_000 }),
        card: fc.boolean(),
        feePermille: fc.integer({ min: 0, max: 999 }),
      });
      await fc.assert(fc.asyncProperty(fc.array(giftArb, { minLength: 1, maxLength: 10 }), async (gifts) => {
        const db = await fresh();
        try {
          const w = await buildWorld(db.db, 2);
          const houses = await db.db.select().from(schema.houses);
          const book = new Book();
          for (const h of houses) book.addHouse({ id: h.id, code: h.publicCode, areaId: h.areaId, budgetVnd: h.budgetVnd });
          // The houses' registrations (record entries, no money) open the chain: the Book starts after them.
          const registered = await queryRows<{ n: string | number }>(db.db, sql`SELECT count(*) AS n FROM journal_entries`);
          for (let id = 1; id <= Number(registered[0]!.n); id++) book.entries.push((await loadEntry(db.db, id))!);
          const inputs = gifts.map((g, i) => {
            const target = g.target === 'general' ? { type: 'general' } : g.target === 'communeA' ? { type: 'commune', areaId: w.communeA }
              : g.target === 'communeB' ? { type: 'commune', areaId: w.communeB } : { type: 'house', houseId: w.houses[Number(g.target.slice(-1))]!.houseId };
            const feeVnd = g.card ? Math.floor((g.amountVnd * g.feePermille) / 1000) : 0;
            return gift(w, { target, amountVnd: g.amountVnd, channel: g.card ? 'card' : 'bank_transfer', feeVnd: feeVnd < g.amountVnd ? feeVnd : 0, receivedAt: new Date(Date.UTC(2024, 8, 1, 3, i)) });
          });
          const outcomes = await Promise.all(inputs.map((input) => recordCashContribution(db.db, input)));
          // The Book replays the gifts in the order the database chained them.
          const order = outcomes.map((o, i) => ({ o, input: inputs[i]! })).sort((a, b) => a.o.result.entryId - b.o.result.entryId);
          for (const { o, input } of order) {
            const t = input.target;
            // The salted commitment is random: the Book takes the one the database chained.
            const [stored] = await queryRows<{ commitment: string }>(db.db, sql`SELECT commitment FROM journal_entries WHERE id = ${o.result.entryId}`);
            const { draft } = cashGift(book, {
              contributionId: o.result.contributionId, receiptCode: o.result.receiptCode, channel: input.channel, amountVnd: input.amountVnd, feeVnd: input.feeVnd ?? 0,
              target: t.type, houseId: t.type === 'house' ? t.houseId : null, areaId: t.type === 'commune' ? t.areaId : null, occurredAt: input.receivedAt,
            });
            const posted = book.post({ ...draft, commitment: stored!.commitment });
            expect([posted.id, posted.hash]).toEqual([o.result.entryId, o.result.entryHash]);
          }
          const [head] = await db.db.select().from(schema.chainHead);
          expect(head!.headHash).toBe(book.headHash);
        } finally {
          await db.close();
        }
      }), { numRuns: 3 });
    }, 600_000);
  });
}
