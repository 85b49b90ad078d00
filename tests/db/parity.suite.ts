// Parity of the two implementations of the rulebook: random sequences of every operation (cash gifts by
// bank, card and at the office, goods, state support and its payment by the commune, allocations from the
// pools, payments with a second approver, card payouts, office deposits, bank charges, reversals of any
// entry) through the database path and through the in-memory Book must give the same journal, byte for
// byte (same ids and hashes), and the same refusals (same codes), in the same places.
import fc from 'fast-check';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows, schema, type Db } from '../../db/client';
import { allocateFromPool } from '../../src/domain/allocations';
import { recordCashContribution, recordInKind, recordStateBudget } from '../../src/domain/contributions';
import { loadEntry, reverseEntry } from '../../src/domain/corrections';
import { decideDisbursement, proposeDisbursement } from '../../src/domain/disbursements';
import { DomainError } from '../../src/domain/errors';
import { recordBankCharge, recordCashTransfer } from '../../src/domain/treasury';
import { recordStatePayment } from '../../src/domain/state-payments';
import { verifyLedger } from '../../src/domain/verify';
import { Book } from '../../src/ledger/book';
import { describeEntry } from '../../src/ledger/descriptions';
import { LedgerRuleError } from '../../src/ledger/errors';
import type { PostedEntry } from '../../src/ledger/entry';
import { buildWorld, nextKey, type World } from './world';
import type { FreshDb } from './harness';

const houseArb = fc.integer({ min: 0, max: 1 });
const opArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('gift' as const), target: fc.constantFrom('house', 'communeA', 'communeB', 'general'), house: houseArb, amountVnd: fc.integer({ min: 1, max: 40_000_000 }), channel: fc.constantFrom('bank_transfer', 'bank_transfer', 'card', 'office') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('payout' as const, 'deposit' as const), amountVnd: fc.integer({ min: 1, max: 30_000_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('charge' as const), amountVnd: fc.integer({ min: 1, max: 5_000_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('in_kind' as const), house: houseArb, amountVnd: fc.integer({ min: 1, max: 20_000_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('state_budget' as const), house: houseArb, amountVnd: fc.integer({ min: 1, max: 25_000_000 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('allocate' as const), house: houseArb, pool: fc.constantFrom('general', 'communeA', 'communeB'), amountVnd: fc.integer({ min: 1, max: 30_000_000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('pay' as const), house: houseArb, amountVnd: fc.integer({ min: 1, max: 20_000_000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('pay_state' as const), house: houseArb, amountVnd: fc.integer({ min: 1, max: 20_000_000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reverse' as const), pick: fc.nat() }) },
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

/** What one side did with an operation: the entry it posted, or the code it refused with. */
type Step = { entry: [id: number, hash: string] } | { refused: string };

// The salted commitment of the entry the database just posted: random, so the Book posts the same one.
let chainedCommitment: string | null = null;
// The record entries the world's house registrations posted first: reversals pick among the entries after them.
let registered = 0;

async function onDb(db: Db, run: () => Promise<{ result: { entryId: number | null } }>): Promise<Step & { result?: unknown }> {
  chainedCommitment = null;
  try {
    const { result } = await run();
    const [entry] = await db.select({ hash: schema.journalEntries.hash, commitment: schema.journalEntries.commitment }).from(schema.journalEntries).where(eq(schema.journalEntries.id, result.entryId!));
    chainedCommitment = entry!.commitment;
    return { entry: [result.entryId!, entry!.hash], result };
  } catch (error) {
    if (error instanceof DomainError) return { refused: error.code };
    throw error;
  }
}

function onBook(run: () => PostedEntry): Step {
  try {
    const posted = run();
    return { entry: [posted.id, posted.hash] };
  } catch (error) {
    if (error instanceof LedgerRuleError) return { refused: error.code };
    throw error;
  }
}

// Runs one operation through the domain (the database path) and the same operation through the Book.
async function step(db: Db, world: World, book: Book, op: Op, at: Date): Promise<[Step, Step]> {
  const house = world.houses['house' in op ? op.house : 0]!;
  const areaOf = (name: string) => (name === 'communeA' ? world.communeA : name === 'communeB' ? world.communeB : null);
  switch (op.op) {
    case 'gift': {
      const target = op.target === 'house' ? { type: 'house', houseId: house.houseId } : op.target === 'general' ? { type: 'general' } : { type: 'commune', areaId: areaOf(op.target) };
      const db1 = await onDb(db, () => recordCashContribution(db, {
        idempotencyKey: nextKey('p'), campaignId: world.campaignId, channel: op.channel, amountVnd: op.amountVnd, target, receivedAt: at,
        donor: { kind: 'individual', displayName: 'Người Thử' },
      }));
      const r = db1.result as { contributionId: number; receiptCode: string } | undefined;
      return [db1, onBook(() => book.giveCash({
        contributionId: r?.contributionId ?? 0, receiptCode: r?.receiptCode ?? '', channel: op.channel, amountVnd: op.amountVnd,
        target: target.type as 'house' | 'commune' | 'general', houseId: house.houseId, areaId: areaOf(op.target) ?? undefined, occurredAt: at,
      }))];
    }
    case 'in_kind': {
      const db1 = await onDb(db, () => recordInKind(db, {
        idempotencyKey: nextKey('p'), campaignId: world.campaignId, houseId: house.houseId, receivedAt: at,
        donor: { kind: 'business', displayName: 'Công ty Thử' }, items: [{ name: 'Xi măng', quantity: 1, unit: 'tấn', valueVnd: op.amountVnd }],
      }));
      const r = db1.result as { contributionId: number; receiptCode: string } | undefined;
      return [db1, onBook(() => book.giveInKind({
        contributionId: r?.contributionId ?? 0, houseId: house.houseId, valueVnd: op.amountVnd, occurredAt: at,
        description: describeEntry.inKind(r?.receiptCode ?? '', house.publicCode),
      }))];
    }
    case 'state_budget': {
      const db1 = await onDb(db, () => recordStateBudget(db, {
        idempotencyKey: nextKey('p'), campaignId: world.campaignId, houseId: house.houseId, amountVnd: op.amountVnd,
        programme: 'national_target_programme', decisionRef: '12/QĐ-UBND', receivedAt: at,
      }));
      const r = db1.result as { contributionId: number } | undefined;
      return [db1, onBook(() => book.giveStateBudget({
        contributionId: r?.contributionId ?? 0, houseId: house.houseId, amountVnd: op.amountVnd, occurredAt: at,
        description: describeEntry.stateBudget('12/QĐ-UBND', house.publicCode),
      }))];
    }
    case 'allocate': {
      const poolAreaId = areaOf(op.pool);
      return [
        await onDb(db, () => allocateFromPool(db, {
          idempotencyKey: nextKey('p'), houseId: house.houseId, fromAreaId: poolAreaId, amountVnd: op.amountVnd, decisionRef: 'QĐ 7', createdBy: 'An', occurredAt: at,
        })),
        onBook(() => book.allocate({ houseId: house.houseId, poolAreaId, amountVnd: op.amountVnd, occurredAt: at, description: describeEntry.allocation(house.publicCode, 'QĐ 7') })),
      ];
    }
    case 'pay': {
      const db1 = await onDb(db, async () => {
        const proposed = await proposeDisbursement(db, {
          idempotencyKey: nextKey('p'), houseId: house.houseId, amountVnd: op.amountVnd, purpose: 'Đợt 1', recordedBy: 'An', recordedAt: at,
        });
        return decideDisbursement(db, { idempotencyKey: nextKey('p'), disbursementId: proposed.result.disbursementId, decidedBy: 'Bình', decidedAt: at, approve: true });
      });
      return [db1, onBook(() => book.disburse({ houseId: house.houseId, amountVnd: op.amountVnd, occurredAt: at, description: describeEntry.disbursement(house.publicCode, 'Đợt 1') }))];
    }
    case 'payout':
    case 'deposit': {
      const reference = nextKey(op.op === 'payout' ? 'po_' : 'GNT-');
      const from = op.op === 'payout' ? 'cash_card' : 'cash_office';
      return [
        await onDb(db, () => recordCashTransfer(db, { kind: op.op, reference, amountVnd: op.amountVnd, occurredAt: at })),
        onBook(() => book.transferCash({ from, amountVnd: op.amountVnd, occurredAt: at, description: op.op === 'payout' ? describeEntry.payout(reference) : describeEntry.deposit(reference) })),
      ];
    }
    case 'charge': {
      const reference = nextKey('fee');
      return [
        await onDb(db, () => recordBankCharge(db, { idempotencyKey: nextKey('p'), reference, amountVnd: op.amountVnd, occurredAt: at })),
        onBook(() => book.chargeBank({ amountVnd: op.amountVnd, occurredAt: at, description: describeEntry.bankCharge(reference) })),
      ];
    }
    case 'pay_state': {
      const documentRef = nextKey('UNC');
      return [
        await onDb(db, () => recordStatePayment(db, { houseId: house.houseId, amountVnd: op.amountVnd, paidOn: '2024-09-01', documentRef, recordedBy: 'An', recordedAt: at })),
        onBook(() => book.payState({ houseId: house.houseId, amountVnd: op.amountVnd, occurredAt: new Date('2024-09-01T00:00:00+07:00'), description: describeEntry.statePayment(house.publicCode, documentRef) })),
      ];
    }
    case 'reverse': {
      const entryId = registered + (op.pick % (book.entries.length - registered)) + 1;
      const db1 = await onDb(db, () => reverseEntry(db, { idempotencyKey: nextKey('p'), entryId, reason: 'Nhập sai', requestedBy: 'An', occurredAt: at }));
      return [db1, onBook(() => book.reverse(entryId, 'Nhập sai (An)', at))];
    }
  }
}

export function paritySuite(driver: string, fresh: FreshDb): void {
  describe(`one rulebook: the database path and the in-memory Book agree (${driver})`, () => {
    it('property: random sequences of gifts, goods, state support, allocations, payments, payouts, deposits, bank charges and reversals give the same journal and the same refusals', async () => {
      const seen = new Set<string>();
      await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 24 }), async (ops) => {
        const handle = await fresh();
        try {
          const world = await buildWorld(handle.db, 2);
          const book = new Book();
          const post = book.post.bind(book);
          book.post = (draft) => post({ ...draft, commitment: chainedCommitment });
          for (const h of await handle.db.select().from(schema.houses)) book.addHouse({ id: h.id, code: h.publicCode, areaId: h.areaId, budgetVnd: h.budgetVnd });
          // The Book starts after the houses' registrations (record entries, no money), as the journal does.
          registered = Number((await queryRows<{ n: string | number }>(handle.db, sql`SELECT count(*) AS n FROM journal_entries`))[0]!.n);
          for (let id = 1; id <= registered; id++) book.entries.push((await loadEntry(handle.db, id))!);
          for (const [i, op] of ops.entries()) {
            if (op.op === 'reverse' && book.entries.length === registered) continue;
            const [fromDb, fromBook] = await step(handle.db, world, book, op, new Date(Date.UTC(2024, 8, 1, 3, i)));
            const { result: _r, ...dbStep } = fromDb as Step & { result?: unknown };
            expect(dbStep, `operation ${i}: ${JSON.stringify(op)}`).toEqual(fromBook);
            seen.add('entry' in fromBook ? `posted:${op.op}` : `refused:${fromBook.refused}`);
          }
          const [head] = await handle.db.select().from(schema.chainHead);
          expect(head!.headHash).toBe(book.headHash);
          expect((await verifyLedger(handle.db)).ok).toBe(true);
        } finally {
          await handle.close();
        }
      }), {
        numRuns: 10, seed: 20261204,
        // Besides the random runs, one that must reach the refusals of a reversal: a pooled gift already
        // allocated, then an allocation whose money was already paid out.
        examples: [[[
          { op: 'gift', target: 'general', house: 0, amountVnd: 10_000_000, channel: 'bank_transfer' },
          { op: 'allocate', house: 0, pool: 'general', amountVnd: 10_000_000 },
          { op: 'reverse', pick: 0 },
          { op: 'pay', house: 0, amountVnd: 10_000_000 },
          { op: 'reverse', pick: 1 },
        ]], [[
          // Card money allocated and paid before it reached the bank; paid after the payout; the payout
          // reversed once the bank has paid it out; a charge beyond the general fund, then within it.
          { op: 'gift', target: 'house', house: 1, amountVnd: 8_000_000, channel: 'card' },
          { op: 'pay', house: 1, amountVnd: 5_000_000 },
          { op: 'payout', amountVnd: 9_000_000 },
          { op: 'payout', amountVnd: 8_000_000 },
          { op: 'pay', house: 1, amountVnd: 5_000_000 },
          { op: 'reverse', pick: 1 },
          { op: 'gift', target: 'general', house: 0, amountVnd: 1_000_000, channel: 'office' },
          { op: 'charge', amountVnd: 2_000_000 },
          { op: 'deposit', amountVnd: 1_000_000 },
          { op: 'charge', amountVnd: 11_000 },
        ]], [[
          // State support paid by the commune: within what was recorded, then beyond it, then its source reversed.
          { op: 'state_budget', house: 1, amountVnd: 20_000_000 },
          { op: 'pay_state', house: 1, amountVnd: 15_000_000 },
          { op: 'pay_state', house: 1, amountVnd: 10_000_000 },
          { op: 'reverse', pick: 0 },
        ]]],
      });
      // The runs reach every operation and the refusals that matter, so agreement is not agreement on nothing.
      for (const op of ['gift', 'in_kind', 'state_budget', 'allocate', 'pay', 'pay_state', 'reverse', 'payout', 'deposit', 'charge']) expect([...seen]).toContain(`posted:${op}`);
      for (const code of ['pool_insufficient', 'over_budget', 'lot_spent', 'house_overdrawn', 'state_overpaid', 'cash_overdrawn']) expect([...seen]).toContain(`refused:${code}`);
    }, 600_000);
  });
}
