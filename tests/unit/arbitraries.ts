// Shared fixtures, arbitraries and the Book-driving runner for the ledger unit and property tests.
import fc from 'fast-check';
import { expect } from 'vitest';
import { line, type JournalLine } from '../../src/ledger/accounts';
import type { GiftTarget } from '../../src/ledger/allocation';
import { Book } from '../../src/ledger/book';
import type { EntryDraft, PostedEntry } from '../../src/ledger/entry';
import { LedgerRuleError } from '../../src/ledger/errors';
import { chainHash, GENESIS_HASH } from '../../src/ledger/hash';
import type { CashChannel } from '../../src/ledger/postings';

export const T0 = new Date('2025-03-01T01:00:00.000Z');

// Distinct, ordered timestamps so entries never differ only by id.
export function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

// Asserts a refusal by rule code, not by message wording (messages are for people and may change).
export function expectRuleError(fn: () => unknown, code: string): LedgerRuleError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected LedgerRuleError '${code}'`).toBeInstanceOf(LedgerRuleError);
  const error = caught as LedgerRuleError;
  expect(error.code).toBe(code);
  expect(error.message).not.toBe('');
  expect(error.messageEn).not.toBe('');
  return error;
}

// A plain balanced contribution entry, the same shape postings would build.
export function sampleDraft(n: number, overrides: Partial<EntryDraft> = {}): EntryDraft {
  const amount = 100_000 * n + 7;
  return {
    kind: 'contribution',
    occurredAt: at(n),
    description: `Đóng góp số ${n}`,
    contributionId: n,
    reversesEntryId: null,
    reason: null,
    lines: [
      line('cash_bank', amount, { contributionId: n }),
      line('house_cash', -(amount - 1_000), { houseId: 1, contributionId: n }),
      line('pool_commune', -1_000, { areaId: 2, contributionId: n }),
    ],
    ...overrides,
  };
}

// Posts drafts onto a chain from genesis exactly as Book and the database do.
export function chainOf(drafts: EntryDraft[]): PostedEntry[] {
  const posted: PostedEntry[] = [];
  let prevHash = GENESIS_HASH;
  drafts.forEach((draft, index) => {
    const id = index + 1;
    const hash = chainHash(prevHash, id, draft);
    posted.push({ ...draft, id, prevHash, hash });
    prevHash = hash;
  });
  return posted;
}

export function sumLines(lines: readonly JournalLine[], accounts?: readonly string[]): number {
  return lines.filter((l) => !accounts || accounts.includes(l.account)).reduce((total, l) => total + l.amountVnd, 0);
}

/** Credits as positive amounts; `0 -` so an empty sum is 0, not -0. */
export function creditsOf(lines: readonly JournalLine[], accounts?: readonly string[]): number {
  return 0 - sumLines(lines, accounts);
}

// ---- Book scenarios -------------------------------------------------------------------------

export interface HouseSpec {
  areaId: number;
  budgetVnd: number;
}

export interface BookSetup {
  houses: HouseSpec[];
}

/** Areas 1..3 hold houses; area 4 never does, so a gift to it has no commune capacity. */
export const AREA_IDS = [1, 2, 3, 4] as const;

export const bookSetupArb: fc.Arbitrary<BookSetup> = fc.record({
  houses: fc.array(
    fc.record({ areaId: fc.integer({ min: 1, max: 3 }), budgetVnd: fc.integer({ min: 50_000, max: 5_000_000 }) }),
    { minLength: 1, maxLength: 6 },
  ),
});

export function newBook(setup: BookSetup): Book {
  const book = new Book();
  setup.houses.forEach((house, index) => {
    book.addHouse({ id: index + 1, code: `H-${index + 1}`, areaId: house.areaId, budgetVnd: house.budgetVnd });
  });
  return book;
}

/** Either an absolute amount or a share (in ‰) of the headroom the operation has, so runs mix successes and refusals. */
export type AmountSpec = { abs: number } | { permille: number };

export type Op =
  | { kind: 'cash'; target: GiftTarget; house: number; area: number; channel: CashChannel; amountVnd: number; feeVnd: number }
  | { kind: 'in_kind'; house: number; amount: AmountSpec }
  | { kind: 'state_budget'; house: number; amount: AmountSpec }
  | { kind: 'labour'; house: number; estimateVnd: number }
  /** 'own' is the house's commune; a numbered area may be another commune's pool, which must be refused. */
  | { kind: 'allocate'; house: number; poolArea: 'own' | number | null; amount: AmountSpec }
  | { kind: 'disburse'; house: number; amount: AmountSpec }
  | { kind: 'pay_state'; house: number; amount: AmountSpec }
  | { kind: 'reverse'; pick: number; reason: string };

const amountSpecArb: fc.Arbitrary<AmountSpec> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ abs: fc.integer({ min: 1, max: 3_000_000 }) }) },
  // Above 1000‰ overshoots on purpose: the rule must refuse it.
  { weight: 3, arbitrary: fc.record({ permille: fc.integer({ min: 0, max: 1_150 }) }) },
);

const houseArb = fc.nat({ max: 99 });

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({
        target: fc.constantFrom<GiftTarget>('house', 'commune', 'general'),
        house: houseArb,
        area: fc.constantFrom(...AREA_IDS),
        channel: fc.constantFrom<CashChannel>('card', 'bank_transfer', 'office'),
        amountVnd: fc.integer({ min: 1, max: 3_000_000 }),
        fee: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 60_000 }) }),
      })
      // Only the card processor withholds a fee.
      .map(({ fee, ...rest }) => ({ kind: 'cash' as const, ...rest, feeVnd: rest.channel === 'card' ? fee : 0 })),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('in_kind' as const), house: houseArb, amount: amountSpecArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('state_budget' as const), house: houseArb, amount: amountSpecArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('labour' as const), house: houseArb, estimateVnd: fc.integer({ min: 1, max: 2_000_000 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('allocate' as const),
      house: houseArb,
      poolArea: fc.oneof(
        { weight: 3, arbitrary: fc.constant<'own'>('own') },
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(...AREA_IDS) },
      ),
      amount: amountSpecArb,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('disburse' as const), house: houseArb, amount: amountSpecArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pay_state' as const), house: houseArb, amount: amountSpecArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('reverse' as const),
      pick: fc.nat(),
      reason: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('Nhập trùng', 'Sai số tiền', 'Hoàn tiền thẻ') }, { weight: 1, arbitrary: fc.constant('   ') }),
    }),
  },
);

// Settings for properties that drive a Book. A failing 60-op run can shrink for minutes; the time limit
// stops shrinking and still reports the failure found, and a passing run finishes far inside it (about 5 s).
// A run cut short before all 100 cases is a failure, never a silent pass on fewer cases.
// ANCU_PROPERTY_RUNS lowers the count where each run is much slower (mutation testing's instrumented code).
export const BOOK_RUNS = { numRuns: Number(process.env.ANCU_PROPERTY_RUNS ?? 100), interruptAfterTimeLimit: 40_000, markInterruptAsFailure: true };

// size 'max': fast-check's default size would cap sequences at 10 ops, too short to reach deep states.
export const opsArb = fc.array(opArb, { maxLength: 60, size: 'max' });

export interface BookSnapshot {
  entries: number;
  headHash: string;
  houses: Array<[number, number, number, number, number, number]>;
  pools: Array<[string, number, Array<[number, number]>]>;
  reversed: number[];
}

// Everything a refused operation must leave as it was (empty pools that a refused check touched are not state).
export function snapshot(book: Book): BookSnapshot {
  return {
    entries: book.entries.length,
    headHash: book.headHash,
    houses: [...book.houses.values()].map((h) => [h.id, h.allocatedVnd, h.cashAllocatedVnd, h.disbursedVnd, h.stateAllocatedVnd, h.statePaidVnd]),
    pools: [...book.pools.entries()]
      .filter(([, pool]) => pool.lots.length > 0 || pool.balanceVnd !== 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, pool]) => [key, pool.balanceVnd, pool.lots.map((lot) => [lot.contributionId, lot.remainingVnd] as [number, number])]),
    reversed: [...book.reversed].sort((a, b) => a - b),
  };
}

export function poolBalance(book: Book, areaId: number | null): number {
  return book.pools.get(areaId === null ? 'general' : `commune:${areaId}`)?.balanceVnd ?? 0;
}

export interface StepPlan {
  run: () => PostedEntry;
  /** The rules allow this operation, so a refusal would be a bug. */
  mustSucceed: boolean;
  /** Codes the rules may legitimately refuse this operation with. */
  allowed: readonly string[];
}

function share(headroom: number, spec: AmountSpec): number {
  return 'abs' in spec ? spec.abs : Math.floor((Math.max(0, headroom) * spec.permille) / 1000);
}

// Resolves an operation against the current Book and says what outcome the rules permit.
export function planStep(book: Book, op: Op, step: number, nextContributionId: () => number): StepPlan {
  const houses = [...book.houses.values()];
  const house = houses[op.kind === 'reverse' ? 0 : op.house % houses.length]!;
  const need = house.budgetVnd - house.allocatedVnd;
  const occurredAt = at(step);
  switch (op.kind) {
    case 'cash': {
      const contributionId = nextContributionId();
      const where = op.target === 'house' ? { houseId: house.id } : op.target === 'commune' ? { areaId: op.area } : {};
      return {
        run: () => book.giveCash({ contributionId, channel: op.channel, amountVnd: op.amountVnd, feeVnd: op.feeVnd, target: op.target, ...where, occurredAt, receiptCode: String(contributionId) }),
        // No gift is ever turned away: whatever a house or commune cannot take goes to the general fund.
        mustSucceed: op.amountVnd - op.feeVnd > 0,
        allowed: ['amount_not_positive'],
      };
    }
    case 'in_kind':
    case 'state_budget': {
      const amountVnd = share(need, op.amount);
      const contributionId = nextContributionId();
      const input = { contributionId, houseId: house.id, occurredAt, description: `Hỗ trợ ${contributionId}` };
      return {
        run: () => (op.kind === 'in_kind' ? book.giveInKind({ ...input, valueVnd: amountVnd }) : book.giveStateBudget({ ...input, amountVnd })),
        mustSucceed: amountVnd > 0 && amountVnd <= need,
        allowed: ['over_budget', 'zero_line', 'amount_not_positive'],
      };
    }
    case 'labour': {
      const contributionId = nextContributionId();
      return {
        run: () => book.giveLabour({ contributionId, houseId: house.id, estimateVnd: op.estimateVnd, occurredAt, description: `Ngày công ${contributionId}` }),
        mustSucceed: true,
        allowed: [],
      };
    }
    case 'allocate': {
      const poolAreaId = op.poolArea === 'own' ? house.areaId : op.poolArea;
      const available = poolBalance(book, poolAreaId);
      const amountVnd = share(Math.min(need, available), op.amount);
      const serves = poolAreaId === null || poolAreaId === house.areaId;
      return {
        run: () => book.allocate({ houseId: house.id, poolAreaId, amountVnd, occurredAt, description: `Phân bổ cho ${house.code}` }),
        mustSucceed: serves && amountVnd > 0 && amountVnd <= need && amountVnd <= available,
        allowed: ['pool_other_commune', 'over_budget', 'pool_insufficient', 'entry_too_short', 'amount_not_positive'],
      };
    }
    case 'disburse': {
      const unpaid = house.cashAllocatedVnd - house.disbursedVnd;
      const amountVnd = share(unpaid, op.amount);
      return {
        run: () => book.disburse({ houseId: house.id, amountVnd, occurredAt, description: `Chi cho ${house.code}` }),
        mustSucceed: amountVnd > 0 && amountVnd <= unpaid,
        allowed: ['over_allocation', 'zero_line', 'amount_not_positive'],
      };
    }
    case 'pay_state': {
      const unpaid = house.stateAllocatedVnd - house.statePaidVnd;
      const amountVnd = share(unpaid, op.amount);
      return {
        run: () => book.payState({ houseId: house.id, amountVnd, occurredAt, description: `Ngân sách đã chi cho ${house.code}` }),
        mustSucceed: amountVnd > 0 && amountVnd <= unpaid,
        allowed: ['state_overpaid', 'amount_not_positive'],
      };
    }
    case 'reverse': {
      const count = book.entries.length;
      const entryId = count === 0 ? 1 : (op.pick % count) + 1;
      const original = book.entries[entryId - 1];
      // These kinds only ever add to counters that nothing else depends on, so undoing them is always allowed
      // (state support only while none of it was paid out).
      const harmless = original !== undefined && (['disbursement', 'in_kind', 'labour', 'state_payment'].includes(original.kind)
        || (original.kind === 'state_budget' && book.house(original.lines[1]!.houseId!).statePaidVnd === 0));
      return {
        run: () => book.reverse(entryId, op.reason, occurredAt),
        mustSucceed: harmless && !book.reversed.has(entryId) && op.reason.trim() !== '',
        allowed: ['entry_unknown', 'already_reversed', 'reverse_reversal', 'reason_required', 'lot_spent', 'house_overdrawn', 'state_overpaid'],
      };
    }
  }
}

export interface StepResult {
  op: Op;
  posted: PostedEntry | null;
  refusal: LedgerRuleError | null;
}

/**
 * Applies ops one by one. A refusal must be a LedgerRuleError with an allowed code and must change
 * nothing; an operation the rules allow must post. `afterStep` sees the Book after every step.
 */
export function runOps(setup: BookSetup, ops: readonly Op[], afterStep?: (book: Book, result: StepResult) => void): Book {
  const book = newBook(setup);
  let contributionSeq = 0;
  const nextContributionId = () => ++contributionSeq;
  ops.forEach((op, index) => {
    const plan = planStep(book, op, index, nextContributionId);
    const before = snapshot(book);
    let result: StepResult;
    try {
      result = { op, posted: plan.run(), refusal: null };
    } catch (error) {
      if (!(error instanceof LedgerRuleError)) throw error;
      expect(plan.mustSucceed, `refused with ${error.code} although allowed: ${JSON.stringify(op)}`).toBe(false);
      expect(plan.allowed).toContain(error.code);
      expect(snapshot(book)).toEqual(before);
      result = { op, posted: null, refusal: error };
    }
    afterStep?.(book, result);
  });
  return book;
}
