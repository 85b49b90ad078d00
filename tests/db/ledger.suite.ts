// The database suite, run once per driver (PGlite, and PostgreSQL when DATABASE_URL is set).
// Each test gets its own freshly migrated database.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPglite, queryRows, schema, type DbHandle } from '../../db/client';
import { allocateFromPool } from '../../src/domain/allocations';
import { reverseEntry } from '../../src/domain/corrections';
import { decideDisbursement, proposeDisbursement } from '../../src/domain/disbursements';
import { recordInKind, recordLabour, recordStateBudget } from '../../src/domain/contributions';
import { advanceStage } from '../../src/domain/houses';
import { campaignTotals } from '../../src/domain/totals';
import { verifyLedger } from '../../src/domain/verify';
import { generateDemo, SMALL_DEMO } from '../../src/domain/demo/generate';
import { loadDemo } from '../../src/domain/demo/load';
import { buildWorld, give, nextKey, type World } from './world';
import type { FreshDb } from './harness';
import { refusal } from '../refusal';


// Any raw error (trigger, constraint) as text, failing if the statement succeeded.
async function rawFailure(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    const e = error as { message?: string; cause?: { message?: string } };
    return `${e.message ?? ''} ${e.cause?.message ?? ''}`;
  }
  throw new Error('expected the database to refuse the statement');
}

// Money entries only: registering the world's houses posts record entries before any test runs.
async function counts(handle: DbHandle) {
  const [row] = await queryRows<Record<string, unknown>>(handle.db, sql`
    SELECT (SELECT count(*) FROM journal_entries WHERE kind <> 'record') AS entries, (SELECT count(*) FROM contributions) AS contributions,
           (SELECT coalesce(sum(remaining_vnd), 0) FROM pool_lots) AS pooled, (SELECT coalesce(sum(allocated_vnd), 0) FROM houses) AS allocated`);
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

export function ledgerSuite(driver: string, fresh: FreshDb): void {
  describe(`ledger database (${driver})`, () => {
    let handle: DbHandle;
    let world: World;
    beforeEach(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db);
    });
    afterEach(async () => {
      await handle?.close();
    });

    describe('posted journal rows are immutable', () => {
      it('refuses UPDATE, DELETE and TRUNCATE of entries and lines, and UPDATE of contributions', async () => {
        await give(handle.db, world);
        const before = await counts(handle);
        expect(await rawFailure(() => handle.db.execute(sql`UPDATE journal_lines SET amount_vnd = amount_vnd * 2`))).toMatch(/append-only/);
        expect(await rawFailure(() => handle.db.execute(sql`DELETE FROM journal_entries`))).toMatch(/append-only/);
        expect(await rawFailure(() => handle.db.execute(sql`TRUNCATE journal_lines`))).toMatch(/append-only/);
        expect(await rawFailure(() => handle.db.execute(sql`UPDATE journal_entries SET description = 'x'`))).toMatch(/append-only/);
        expect(await rawFailure(() => handle.db.execute(sql`UPDATE contributions SET amount_vnd = 1`))).toMatch(/append-only/);
        expect(await counts(handle)).toEqual(before);
        expect((await verifyLedger(handle.db)).ok).toBe(true);
      });

      it('refuses at commit an entry whose lines do not balance, or a line added to an old entry', async () => {
        const posted = await give(handle.db, world);
        const unbalanced = await rawFailure(() => handle.db.transaction(async (tx) => {
          await tx.execute(sql`SELECT * FROM ledger_post('contribution', now(), 'x', NULL, NULL, NULL, '{}', '[["cash_bank",null,null,null,100],["pool_general",null,null,null,-99]]'::jsonb)`);
        }));
        expect(unbalanced).toMatch(/does not balance/);
        const lateLine = await rawFailure(() => handle.db.execute(sql`
          INSERT INTO journal_lines (entry_id, line_no, account, amount_vnd) VALUES (${posted.result.entryId}, 99, 'cash_bank', 5)`));
        expect(lateLine).toMatch(/does not balance/);
        expect((await counts(handle)).entries).toBe(1);
        expect((await verifyLedger(handle.db)).ok).toBe(true);
      });
    });

    describe('idempotency keys', () => {
      it('returns the first result for a repeat with the same content and writes nothing more', async () => {
        const request = { idempotencyKey: 'bank-tx-0001', target: { type: 'house', houseId: world.houses[0]!.houseId } };
        const first = await give(handle.db, world, request);
        const second = await give(handle.db, world, request);
        expect(first.replayed).toBe(false);
        expect(second.replayed).toBe(true);
        expect(second.result).toEqual(first.result);
        expect(await counts(handle)).toMatchObject({ entries: 1, contributions: 1 });
      });

      it('refuses the same key with different content (409) and changes nothing', async () => {
        await give(handle.db, world, { idempotencyKey: 'bank-tx-0002' });
        const before = await counts(handle);
        const error = await refusal(() => give(handle.db, world, { idempotencyKey: 'bank-tx-0002', amountVnd: 2_000_000 }));
        expect(error.status).toBe(409);
        expect(error.code).toBe('idempotency_conflict');
        expect(error.message).toMatch(/đã được dùng/);
        expect(await counts(handle)).toEqual(before);
      });
    });

    describe('allocation of gifts', () => {
      it('fills the house up to its need, overflows to the commune pool up to its need, then the general fund', async () => {
        const [a, b, c] = world.houses;
        // Three repair houses of 30,000,000 ₫ in commune A: the commune can absorb 90,000,000 ₫ in all.
        const { result } = await give(handle.db, world, { amountVnd: 100_000_000, target: { type: 'house', houseId: a!.houseId } });
        expect(result.split).toEqual({ houseVnd: 30_000_000, communeVnd: 60_000_000, generalVnd: 10_000_000 });
        const totals = await campaignTotals(handle.db, world.campaignId);
        expect(totals).toMatchObject({ allocatedVnd: 30_000_000, communePoolsVnd: 60_000_000, generalPoolVnd: 10_000_000, cashVnd: 100_000_000 });
        // The commune pool's money goes to the other two houses; a third allocation finds the pool empty.
        await allocateFromPool(handle.db, { idempotencyKey: nextKey(), houseId: b!.houseId, fromAreaId: world.communeA, amountVnd: 30_000_000, decisionRef: 'QĐ 1', createdBy: 'A', occurredAt: '2024-09-02' });
        await allocateFromPool(handle.db, { idempotencyKey: nextKey(), houseId: c!.houseId, fromAreaId: world.communeA, amountVnd: 30_000_000, decisionRef: 'QĐ 2', createdBy: 'A', occurredAt: '2024-09-02' });
        expect((await campaignTotals(handle.db, world.campaignId)).communePoolsVnd).toBe(0);
        expect((await verifyLedger(handle.db)).ok).toBe(true);
      });

      it('assigns pooled money oldest gift first and records the lineage in the journal', async () => {
        const gifts = [];
        for (const amountVnd of [4_000_000, 5_000_000, 6_000_000]) gifts.push((await give(handle.db, world, { amountVnd })).result);
        const { result } = await allocateFromPool(handle.db, { idempotencyKey: nextKey(), houseId: world.houses[0]!.houseId, fromAreaId: null, amountVnd: 12_000_000, decisionRef: 'QĐ 3', createdBy: 'A', occurredAt: '2024-09-02' });
        expect(result.takes).toEqual([
          { contributionId: gifts[0]!.contributionId, amountVnd: 4_000_000 },
          { contributionId: gifts[1]!.contributionId, amountVnd: 5_000_000 },
          { contributionId: gifts[2]!.contributionId, amountVnd: 3_000_000 },
        ]);
        const lineage = await queryRows<{ contribution_id: number; amount: string }>(handle.db, sql`
          SELECT contribution_id, -sum(amount_vnd) AS amount FROM journal_lines
          WHERE account = 'house_cash' AND house_id = ${world.houses[0]!.houseId} GROUP BY contribution_id ORDER BY contribution_id`);
        expect(lineage.map((r) => [Number(r.contribution_id), Number(r.amount)])).toEqual(result.takes.map((t) => [t.contributionId, t.amountVnd]));
      });

      it('refuses an allocation beyond the house budget or the pool, changing nothing', async () => {
        await give(handle.db, world, { amountVnd: 50_000_000 });
        const before = await counts(handle);
        const overBudget = await refusal(() => allocateFromPool(handle.db, { idempotencyKey: nextKey(), houseId: world.houses[0]!.houseId, fromAreaId: null, amountVnd: 31_000_000, decisionRef: 'QĐ', createdBy: 'A', occurredAt: '2024-09-02' }));
        expect(overBudget).toMatchObject({ status: 409, code: 'over_budget' });
        const overPool = await refusal(() => allocateFromPool(handle.db, { idempotencyKey: nextKey(), houseId: world.houses[0]!.houseId, fromAreaId: world.communeA, amountVnd: 1_000, decisionRef: 'QĐ', createdBy: 'A', occurredAt: '2024-09-02' }));
        expect(overPool).toMatchObject({ status: 409, code: 'pool_insufficient' });
        expect(await counts(handle)).toEqual(before);
        // A commune's pool serves only its own houses, as its donors chose.
        await give(handle.db, world, { amountVnd: 5_000_000, target: { type: 'commune', areaId: world.communeB } });
        const before2 = await counts(handle);
        const otherCommune = await refusal(() => allocateFromPool(handle.db, { idempotencyKey: nextKey(), houseId: world.houses[0]!.houseId, fromAreaId: world.communeB, amountVnd: 1_000, decisionRef: 'QĐ', createdBy: 'A', occurredAt: '2024-09-02' }));
        expect(otherCommune).toMatchObject({ status: 409, code: 'pool_other_commune' });
        expect(await counts(handle)).toEqual(before2);
      });

      it('rejects malformed input with a clear 400 in Vietnamese and English', async () => {
        for (const amountVnd of [0, -5, 1.5, '1000']) {
          const error = await refusal(() => give(handle.db, world, { amountVnd }));
          expect(error.status).toBe(400);
          expect(error.message).toMatch(/Dữ liệu không hợp lệ/);
          expect(error.messageEn).toMatch(/Invalid input/);
        }
        expect((await counts(handle)).entries).toBe(0);
      });
    });

    describe('in-kind, labour and state budget', () => {
      it('counts goods and state support towards the budget and labour only as an estimate', async () => {
        const houseId = world.houses[0]!.houseId;
        await recordStateBudget(handle.db, { idempotencyKey: nextKey(), campaignId: world.campaignId, houseId, amountVnd: 20_000_000, programme: 'national_target_programme', decisionRef: '12/QĐ-UBND', receivedAt: '2024-09-01' });
        await recordInKind(handle.db, { idempotencyKey: nextKey(), campaignId: world.campaignId, houseId, receivedAt: '2024-09-01', donor: { kind: 'business', displayName: 'Công ty Xi măng' }, items: [{ name: 'Xi măng', quantity: 3, unit: 'tấn', valueVnd: 4_800_000 }] });
        const labour = await recordLabour(handle.db, { idempotencyKey: nextKey(), campaignId: world.campaignId, houseId, organisation: 'Ban Chỉ huy Quân sự huyện', unit: 'army', people: 10, days: 4, workedOn: '2024-09-05', donor: { kind: 'organisation', displayName: 'Ban Chỉ huy Quân sự huyện' } });
        expect(labour.result.estimateVnd).toBe(40 * 200_000);
        const totals = await campaignTotals(handle.db, world.campaignId);
        expect(totals).toMatchObject({ allocatedVnd: 24_800_000, stateBudgetVnd: 20_000_000, inKindVnd: 4_800_000, labourPersonDays: 40, labourEstimateVnd: 8_000_000 });
        const tooMuch = await refusal(() => recordInKind(handle.db, { idempotencyKey: nextKey(), campaignId: world.campaignId, houseId, receivedAt: '2024-09-01', donor: { kind: 'business', displayName: 'X' }, items: [{ name: 'Tôn', quantity: 100, unit: 'm²', valueVnd: 6_000_000 }] }));
        expect(tooMuch.code).toBe('over_budget');
      });
    });

    describe('disbursements need a second person', () => {
      it('posts only after a different approver approves, never beyond what was allocated', async () => {
        const houseId = world.houses[0]!.houseId;
        await give(handle.db, world, { amountVnd: 20_000_000, target: { type: 'house', houseId } });
        const tooMuch = await refusal(() => proposeDisbursement(handle.db, { idempotencyKey: nextKey(), houseId, amountVnd: 25_000_000, purpose: 'Tạm ứng', recordedBy: 'An', recordedAt: '2024-09-03' }));
        expect(tooMuch.code).toBe('over_allocation');
        const { result } = await proposeDisbursement(handle.db, { idempotencyKey: nextKey(), houseId, amountVnd: 15_000_000, purpose: 'Tạm ứng', recordedBy: 'An', recordedAt: '2024-09-03' });
        expect((await counts(handle)).entries).toBe(1);
        const self = await refusal(() => decideDisbursement(handle.db, { idempotencyKey: nextKey(), disbursementId: result.disbursementId, decidedBy: 'An', decidedAt: '2024-09-04', approve: true }));
        expect(self).toMatchObject({ status: 403, code: 'four_eyes' });
        // The database refuses it too, whatever the code does.
        expect(await rawFailure(() => handle.db.update(schema.disbursements).set({ decidedBy: 'An', status: 'rejected' }))).toMatch(/four_eyes/);
        const approved = await decideDisbursement(handle.db, { idempotencyKey: nextKey(), disbursementId: result.disbursementId, decidedBy: 'Bình', decidedAt: '2024-09-04', approve: true });
        expect(approved.result.status).toBe('approved');
        expect((await campaignTotals(handle.db, world.campaignId)).disbursedVnd).toBe(15_000_000);
        const again = await refusal(() => decideDisbursement(handle.db, { idempotencyKey: nextKey(), disbursementId: result.disbursementId, decidedBy: 'Bình', decidedAt: '2024-09-04', approve: true }));
        expect(again.code).toBe('already_decided');
      });
    });

    describe('corrections by reversal', () => {
      it('reverses an entry once, naming it and the reason; a second reversal is refused', async () => {
        const { result } = await give(handle.db, world, { amountVnd: 3_000_000 });
        const reversal = await reverseEntry(handle.db, { idempotencyKey: nextKey(), entryId: result.entryId, reason: 'Nhập trùng', requestedBy: 'An', occurredAt: '2024-09-02' });
        expect(reversal.result.reversesEntryId).toBe(result.entryId);
        const totals = await campaignTotals(handle.db, world.campaignId);
        expect(totals).toMatchObject({ cashVnd: 0, generalPoolVnd: 0 });
        const second = await refusal(() => reverseEntry(handle.db, { idempotencyKey: nextKey(), entryId: result.entryId, reason: 'Lại', requestedBy: 'An', occurredAt: '2024-09-02' }));
        expect(second.code).toBe('already_reversed');
        const ofReversal = await refusal(() => reverseEntry(handle.db, { idempotencyKey: nextKey(), entryId: reversal.result.entryId, reason: 'Lại', requestedBy: 'An', occurredAt: '2024-09-02' }));
        expect(ofReversal.code).toBe('reverse_reversal');
        expect((await verifyLedger(handle.db)).ok).toBe(true);
      });

      it('refuses to reverse a gift whose pooled money was already allocated', async () => {
        const { result } = await give(handle.db, world, { amountVnd: 10_000_000 });
        await allocateFromPool(handle.db, { idempotencyKey: nextKey(), houseId: world.houses[0]!.houseId, fromAreaId: null, amountVnd: 10_000_000, decisionRef: 'QĐ', createdBy: 'A', occurredAt: '2024-09-02' });
        const before = await counts(handle);
        const error = await refusal(() => reverseEntry(handle.db, { idempotencyKey: nextKey(), entryId: result.entryId, reason: 'Sai', requestedBy: 'An', occurredAt: '2024-09-03' }));
        expect(error.code).toBe('lot_spent');
        expect(await counts(handle)).toEqual(before);
      });
    });

    describe('house stages', () => {
      it('moves forward only, each date on or after the previous one', async () => {
        const houseId = world.houses[0]!.houseId;
        expect((await refusal(() => advanceStage(handle.db, { houseId, stage: 'completed', on: '2024-10-01' }))).code).toBe('stage_order');
        expect((await refusal(() => advanceStage(handle.db, { houseId, stage: 'funded', on: '2024-07-01' }))).code).toBe('stage_date');
        // "Funded" must match the ledger: the house is funded first.
        await give(handle.db, world, { amountVnd: 30_000_000, target: { type: 'house', houseId } });
        await advanceStage(handle.db, { houseId, stage: 'funded', on: '2024-08-10' });
        await advanceStage(handle.db, { houseId, stage: 'under_construction', on: '2024-08-20' });
        expect((await campaignTotals(handle.db, world.campaignId)).houses.under_construction).toBe(1);
      });
    });

    // Races on one house, one payment, one pool lot and one pledge: tests/db/races.suite.ts.

    describe('demo data and tamper detection', () => {
      it('loads a demo campaign whose journal verifies and whose totals equal the journal sums', async () => {
        const demo = await fresh();
        try {
          const data = generateDemo(SMALL_DEMO);
          const journal = await loadDemo(demo, data);
          const report = await verifyLedger(demo.db);
          expect(report).toMatchObject({ ok: true, entries: journal.length, headHash: journal.at(-1)!.hash });
          // Sealed as the application writes: every entry but a reversal (treasury movements included) commits a record, and the houses' facts are checked.
          const [unsealed] = await queryRows<{ n: string | number }>(demo.db, sql`SELECT count(*) AS n FROM journal_entries WHERE commitment IS NULL AND kind <> 'reversal'`);
          expect(Number(unsealed!.n)).toBe(0);
          const [registered] = await queryRows<{ entry_id: string | number }>(demo.db, sql`SELECT entry_id FROM public_records WHERE kind = 'house' AND subject_id = 1`);
          await demo.db.transaction(async (tx) => {
            await tx.execute(sql`SET LOCAL session_replication_role = replica`);
            await tx.execute(sql`UPDATE houses SET budget_vnd = budget_vnd + 1 WHERE id = 1`);
          });
          expect(await verifyLedger(demo.db)).toMatchObject({ ok: false, fault: { entryId: Number(registered!.entry_id) } });
          await demo.db.transaction(async (tx) => {
            await tx.execute(sql`SET LOCAL session_replication_role = replica`);
            await tx.execute(sql`UPDATE houses SET budget_vnd = budget_vnd - 1 WHERE id = 1`);
          });
          const totals = await campaignTotals(demo.db, 1);
          const [sums] = await queryRows<Record<string, string>>(demo.db, sql`
            SELECT -sum(amount_vnd) FILTER (WHERE account IN ('house_cash', 'house_in_kind', 'house_state')) AS allocated,
                   sum(amount_vnd) FILTER (WHERE account = 'house_paid') AS disbursed FROM journal_lines`);
          expect(totals.allocatedVnd).toBe(Number(sums!.allocated));
          expect(totals.disbursedVnd).toBe(Number(sums!.disbursed));
        } finally {
          await demo.close();
        }
      });

      it('catches a house counter, a pool lot or a cash balance changed behind the application\'s back', async () => {
        const houseId = world.houses[0]!.houseId;
        await give(handle.db, world, { amountVnd: 40_000_000, target: { type: 'house', houseId } });
        expect((await verifyLedger(handle.db)).ok).toBe(true);
        await handle.db.execute(sql`UPDATE houses SET disbursed_vnd = disbursed_vnd + 1 WHERE id = ${houseId}`);
        const house = await verifyLedger(handle.db);
        expect(house.ok).toBe(false);
        expect(house.fault!.reason).toMatch(new RegExp(`house ${world.houses[0]!.publicCode} counters`));
        await handle.db.execute(sql`UPDATE houses SET disbursed_vnd = disbursed_vnd - 1 WHERE id = ${houseId}`);
        await handle.db.execute(sql`UPDATE pool_lots SET remaining_vnd = remaining_vnd + 5`);
        expect((await verifyLedger(handle.db)).fault!.reason).toMatch(/pool commune:\d+ lot of contribution #\d+ holds/);
        await handle.db.execute(sql`UPDATE pool_lots SET remaining_vnd = remaining_vnd - 5`);
        await handle.db.execute(sql`UPDATE cash_balances SET balance_vnd = balance_vnd + 7 WHERE account = 'cash_bank'`);
        expect((await verifyLedger(handle.db)).fault!.reason).toBe('cash_bank balance 40000007 differs from the journal (40000000)');
      });

      it('ledger:verify names the entry a superuser changed with the triggers disabled', async () => {
        const dataDir = driver === 'pglite' ? mkdtempSync(join(tmpdir(), 'ancu-verify-')) : undefined;
        const target = dataDir ? openPglite(dataDir) : await fresh();
        try {
          if (dataDir) await target.migrate();
          await loadDemo(target, generateDemo(SMALL_DEMO));
          const env = { ...process.env, ...(dataDir ? { PGLITE_DIR: dataDir, DATABASE_URL: '' } : { DATABASE_URL: target.url }) };
          const runVerify = async () => {
            if (dataDir) await target.close();
            const result = spawnSync('npx', ['tsx', 'scripts/verify-ledger.ts'], { env, encoding: 'utf8' });
            return result;
          };
          // A clean ledger passes.
          const clean = await runVerify();
          expect(clean.status, clean.stderr).toBe(0);
          expect(clean.stdout).toMatch(/OK: [\d,]+ entries/);
          // Change one line's amount behind the application's back, keeping the entry balanced.
          const tampered = dataDir ? openPglite(dataDir) : target;
          await tampered.db.execute(sql`ALTER TABLE journal_lines DISABLE TRIGGER USER`);
          await tampered.db.execute(sql`UPDATE journal_lines SET amount_vnd = amount_vnd + (CASE WHEN line_no = 1 THEN 1000 ELSE -1000 END) WHERE entry_id = 40 AND line_no IN (1, 2)`);
          await tampered.db.execute(sql`ALTER TABLE journal_lines ENABLE TRIGGER USER`);
          if (dataDir) await tampered.close();
          const caught = spawnSync('npx', ['tsx', 'scripts/verify-ledger.ts'], { env, encoding: 'utf8' });
          expect(caught.status).toBe(1);
          expect(caught.stderr).toMatch(/journal entry #40: hash does not match/);
        } finally {
          if (!dataDir) await target.close();
          if (dataDir) rmSync(dataDir, { recursive: true, force: true });
        }
      // Two verifier processes start (each loads TypeScript through tsx) on top of the demo load.
      }, 300_000);
    });
  });
}
