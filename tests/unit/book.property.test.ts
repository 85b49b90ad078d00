import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JournalLine } from '../../src/ledger/accounts';
import { Book } from '../../src/ledger/book';
import { effectsOf } from '../../src/ledger/effects';
import type { PostedEntry } from '../../src/ledger/entry';
import { verifyChain } from '../../src/ledger/hash';
import { at, BOOK_RUNS, bookSetupArb, creditsOf, expectRuleError, opsArb, runOps, snapshot, sumLines, type StepResult } from './arbitraries';

const CASH = ['cash_card', 'cash_bank', 'cash_office'] as const;
const POOLS = ['pool_general', 'pool_commune'] as const;

function isPool(l: JournalLine): boolean {
  return (POOLS as readonly string[]).includes(l.account);
}

function byContribution(lines: JournalLine[], sign: 1 | -1): Map<number | null, number> {
  const totals = new Map<number | null, number>();
  for (const l of lines) totals.set(l.contributionId, (totals.get(l.contributionId) ?? 0) + sign * l.amountVnd);
  return totals;
}

// Plain checks first and one expect per rule, so a long run stays fast and a failure names every culprit.
function expectAllBalanced(book: Book): void {
  const bad = book.entries
    .filter((e) => e.lines.length < 2 || e.lines.some((l) => !Number.isSafeInteger(l.amountVnd) || l.amountVnd === 0) || sumLines(e.lines) !== 0)
    .map((e) => e.id);
  expect(bad, 'entries that do not balance').toEqual([]);
}

function expectHousesWithinRules(book: Book): void {
  for (const h of book.houses.values()) {
    expect(h.allocatedVnd, `${h.code} within budget`).toBeLessThanOrEqual(h.budgetVnd);
    expect(h.disbursedVnd, `${h.code} paid no more than its cash`).toBeLessThanOrEqual(h.cashAllocatedVnd);
    // The lower bounds the database CHECKs as well.
    expect(Math.min(h.disbursedVnd, h.cashAllocatedVnd, h.allocatedVnd - h.cashAllocatedVnd)).toBeGreaterThanOrEqual(0);
    expect(h.statePaidVnd, `${h.code} paid no more state support than was recorded`).toBeLessThanOrEqual(h.stateAllocatedVnd);
    expect(Math.min(h.statePaidVnd, h.stateAllocatedVnd)).toBeGreaterThanOrEqual(0);
  }
}

// Each allocation moves money pool → house gift by gift, so every đồng names its source.
function lineageFault(entry: PostedEntry): string | null {
  const poolLines = entry.lines.filter(isPool);
  const houseLines = entry.lines.filter((l) => l.account === 'house_cash');
  if (poolLines.length + houseLines.length !== entry.lines.length) return 'lines outside pool → house_cash';
  if (!poolLines.every((l) => l.amountVnd > 0 && l.contributionId !== null)) return 'a pool line is not a debit naming a gift';
  if (new Set(houseLines.map((l) => l.houseId)).size !== 1) return 'not exactly one house';
  if (new Set(poolLines.map((l) => `${l.account}:${l.areaId}`)).size !== 1) return 'not exactly one pool';
  if (creditsOf(houseLines) !== sumLines(poolLines)) return 'house credits differ from pool debits';
  const credits = byContribution(houseLines, -1);
  const debits = byContribution(poolLines, 1);
  if (credits.size !== debits.size || [...credits].some(([id, amount]) => debits.get(id) !== amount)) return 'per-gift amounts differ';
  return null;
}

function expectLineage(book: Book): void {
  const faults = book.entries.filter((e) => e.kind === 'allocation').flatMap((e) => {
    const fault = lineageFault(e);
    return fault ? [`#${e.id}: ${fault}`] : [];
  });
  expect(faults, 'allocations whose lineage does not add up').toEqual([]);
}

// Rebuilding every counter from the journal alone must agree with what the Book kept incrementally.
function expectCountersFromJournal(book: Book): void {
  const fx = effectsOf(book.entries.flatMap((e) => e.lines));
  for (const h of book.houses.values()) {
    const { allocatedVnd, cashAllocatedVnd, disbursedVnd, stateAllocatedVnd, statePaidVnd } = h;
    expect({ allocatedVnd, cashAllocatedVnd, disbursedVnd, stateAllocatedVnd, statePaidVnd })
      .toEqual(fx.houses.get(h.id) ?? { allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0 });
  }
  for (const houseId of fx.houses.keys()) expect(book.houses.has(houseId)).toBe(true);
  const bookLots = new Map<string, number>();
  for (const [key, pool] of book.pools) {
    expect(pool.balanceVnd, `${key} balance`).toBe(fx.pools.get(key)?.deltaVnd ?? 0);
    expect(pool.balanceVnd).toBe(pool.lots.reduce((total, lot) => total + lot.remainingVnd, 0));
    for (const lot of pool.lots) {
      expect(lot.remainingVnd).toBeGreaterThanOrEqual(0);
      bookLots.set(`${key}|${lot.contributionId}`, lot.remainingVnd);
    }
  }
  const journalLots = new Map([...fx.lots].map(([key, lot]) => [key, lot.deltaVnd]));
  expect(bookLots).toEqual(journalLots);
}

function expectChainVerifies(book: Book): void {
  const walk = verifyChain(book.entries);
  let step = walk.next();
  const faults = [];
  while (!step.done) {
    faults.push(step.value);
    step = walk.next();
  }
  expect(faults).toEqual([]);
  expect(step.value).toEqual({ count: book.entries.length, headHash: book.headHash });
}

function expectReversalsSound(book: Book): void {
  const targets = book.entries.filter((e) => e.kind === 'reversal').map((e) => e.reversesEntryId!);
  expect(new Set(targets).size, 'no entry reversed twice').toBe(targets.length);
  for (const id of targets) {
    expect(book.entries[id - 1]?.kind).not.toBe('reversal');
    expect(book.entries[id - 1]!.id).toBeLessThan(book.entries.find((e) => e.reversesEntryId === id)!.id);
  }
  expect([...book.reversed].sort((a, b) => a - b)).toEqual([...targets].sort((a, b) => a - b));
}

// Money in through the cash accounts is exactly what the pools hold plus what houses hold unpaid.
function expectNothingLost(book: Book): void {
  const lines = book.entries.flatMap((e) => e.lines);
  const cashIn = sumLines(lines, CASH);
  const pooled = [...book.pools.values()].reduce((total, p) => total + p.balanceVnd, 0);
  const givenToHouses = creditsOf(lines, ['house_cash']);
  const paidOut = sumLines(lines, ['house_paid']);
  expect(cashIn).toBe(pooled + givenToHouses - paidOut);
  // The same from the Book's own counters, so a drift between journal and counters shows too.
  const unpaid = [...book.houses.values()].reduce((total, h) => total + h.cashAllocatedVnd - h.disbursedVnd, 0);
  expect(cashIn).toBe(pooled + unpaid);
  // Fees are withheld before the fund sees the money, in pairs that cancel.
  expect(sumLines(lines, ['card_fees'])).toBe(creditsOf(lines, ['card_fee_withheld']));
}

// After an allocation from a pool, no lot older than the newest one it touched still holds money.
function expectFifo(book: Book, entry: PostedEntry): void {
  if (entry.kind !== 'allocation') return;
  const source = entry.lines.find(isPool)!;
  const sameFund = (l: JournalLine) => l.account === source.account && l.areaId === source.areaId && l.contributionId !== null;
  const order: number[] = [];
  const remaining = new Map<number, number>();
  for (const e of book.entries) {
    for (const l of e.lines.filter(sameFund)) {
      if (!remaining.has(l.contributionId!)) order.push(l.contributionId!);
      remaining.set(l.contributionId!, (remaining.get(l.contributionId!) ?? 0) - l.amountVnd);
    }
  }
  const taken = entry.lines.filter(isPool).map((l) => order.indexOf(l.contributionId!));
  expect(taken).toEqual([...taken].sort((a, b) => a - b));
  for (const older of order.slice(0, taken.at(-1))) expect(remaining.get(older)).toBe(0);
}

function checkStep(book: Book, result: StepResult): void {
  expectAllBalanced(book);
  expectLineage(book);
  expectHousesWithinRules(book);
  expectCountersFromJournal(book);
  expectChainVerifies(book);
  expectReversalsSound(book);
  if (result.posted) {
    expect(book.entries.at(-1)).toBe(result.posted);
    expectFifo(book, result.posted);
  }
  // A second reversal of anything already reversed is refused and changes nothing.
  if (result.posted?.kind === 'reversal') {
    const before = snapshot(book);
    expectRuleError(() => book.reverse(result.posted!.reversesEntryId!, 'Đảo lần hai', at(9_999)), 'already_reversed');
    expect(snapshot(book)).toEqual(before);
  }
}

describe('Book under random operation sequences', () => {
  it('property: every step keeps the ledger rules, the lineage, the counters and the hash chain', () => {
    fc.assert(fc.property(bookSetupArb, opsArb, (setup, ops) => {
      runOps(setup, ops, checkStep);
    }), BOOK_RUNS);
  });

  it('property: nothing is lost — cash in equals pooled money plus money houses hold unpaid', () => {
    fc.assert(fc.property(bookSetupArb, opsArb, (setup, ops) => {
      runOps(setup, ops, (book) => expectNothingLost(book));
    }), BOOK_RUNS);
  });

  it('property: a house gift overflows to its commune only as far as the commune still has need', () => {
    fc.assert(fc.property(bookSetupArb, opsArb, (setup, ops) => {
      runOps(setup, ops, (book, { posted }) => {
        const communeLine = posted?.kind === 'contribution' ? posted.lines.find((l) => l.account === 'pool_commune') : undefined;
        if (communeLine) expect(book.communeCapacityVnd(communeLine.areaId!)).toBeGreaterThanOrEqual(0);
      });
    }), BOOK_RUNS);
  });

  it('property: replaying the journal into a fresh Book rebuilds the same chain and state', () => {
    fc.assert(fc.property(bookSetupArb, opsArb, (setup, ops) => {
      const book = runOps(setup, ops);
      const replay = new Book();
      for (const h of book.houses.values()) replay.addHouse({ id: h.id, code: h.code, areaId: h.areaId, budgetVnd: h.budgetVnd });
      for (const { id, prevHash, hash, ...draft } of book.entries) {
        const again = replay.post(draft);
        expect([again.id, again.prevHash, again.hash]).toEqual([id, prevHash, hash]);
      }
      expect(snapshot(replay)).toEqual(snapshot(book));
    }), BOOK_RUNS);
  });

  it('sanity: the generated runs exercise both postings and refusals of every kind', () => {
    // Guards the arbitraries: a generator that only ever got refused would make the properties vacuous.
    const seen = new Set<string>();
    fc.assert(fc.property(bookSetupArb, opsArb, (setup, ops) => {
      runOps(setup, ops, (_book, { op, posted, refusal }) => {
        seen.add(posted ? `posted:${posted.kind}` : `refused:${refusal!.code}`);
        if (op.kind === 'cash' && op.feeVnd > 0 && posted) seen.add('posted:card_fee');
      });
    }), { ...BOOK_RUNS, numRuns: 100, seed: 20250301 }); // always 100: what it checks is what 100 runs reach
    for (const kind of ['contribution', 'in_kind', 'state_budget', 'labour', 'allocation', 'disbursement', 'reversal', 'card_fee']) {
      expect(seen).toContain(`posted:${kind}`);
    }
    for (const code of ['over_budget', 'pool_insufficient', 'over_allocation', 'reverse_reversal', 'reason_required', 'house_overdrawn', 'lot_spent', 'pool_other_commune']) {
      expect(seen).toContain(`refused:${code}`);
    }
  });
});
