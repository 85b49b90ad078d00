// The whole ledger in memory: the same rules as the database, used to generate demo data in bulk
// and to drive property tests. The database path reads the same state under row locks instead.
import { poolKey, type PoolKey } from './accounts';
import type { GiftTarget, Lot } from './allocation';
import { effectsOf } from './effects';
import { assertBalanced, reversalOf, type EntryDraft, type PostedEntry } from './entry';
import { LedgerRuleError } from './errors';
import { chainHash, GENESIS_HASH } from './hash';
import { allocation, assertEffectsAllowed, cashGift, disbursement, inKindGift, labourGift, stateBudgetGift, statePayment, type CounterState } from './rules';
import type { CashChannel } from './postings';
import type { Vnd } from './money';

export interface BookHouse {
  id: number;
  code: string;
  areaId: number;
  budgetVnd: Vnd;
  allocatedVnd: Vnd;
  cashAllocatedVnd: Vnd;
  disbursedVnd: Vnd;
  stateAllocatedVnd: Vnd;
  statePaidVnd: Vnd;
}

interface BookLot extends Lot {
  seq: number;
}

interface PoolState {
  areaId: number | null;
  balanceVnd: Vnd;
  lots: BookLot[];
  /** Index of the oldest lot that may still hold money: FIFO scans start here. */
  openFrom: number;
  lotIndex: Map<number, number>;
}

export class Book implements CounterState {
  readonly houses = new Map<number, BookHouse>();
  readonly pools = new Map<PoolKey, PoolState>();
  readonly entries: PostedEntry[] = [];
  readonly reversed = new Set<number>();
  private readonly housesByArea = new Map<number, BookHouse[]>();

  get headHash(): string {
    return this.entries.at(-1)?.hash ?? GENESIS_HASH;
  }

  addHouse(house: Omit<BookHouse, 'allocatedVnd' | 'cashAllocatedVnd' | 'disbursedVnd' | 'stateAllocatedVnd' | 'statePaidVnd'>): void {
    const full = { ...house, allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0 };
    this.houses.set(house.id, full);
    const list = this.housesByArea.get(house.areaId) ?? [];
    list.push(full);
    this.housesByArea.set(house.areaId, list);
  }

  house(houseId: number): BookHouse {
    const found = this.houses.get(houseId);
    if (!found) throw new LedgerRuleError('house_unknown', `Không có nhà #${houseId}.`, `No house #${houseId}.`);
    return found;
  }

  pool(key: PoolKey, areaId: number | null = null): PoolState {
    let found = this.pools.get(key);
    if (!found) {
      found = { areaId, balanceVnd: 0, lots: [], openFrom: 0, lotIndex: new Map() };
      this.pools.set(key, found);
    }
    return found;
  }

  // What a commune's pool may still take: its houses' unmet need less what the pool already holds.
  communeCapacityVnd(areaId: number): Vnd {
    let need = 0;
    for (const house of this.housesByArea.get(areaId) ?? []) need += house.budgetVnd - house.allocatedVnd;
    return need - (this.pools.get(poolKey(areaId))?.balanceVnd ?? 0);
  }

  lotRemainingVnd(key: PoolKey, contributionId: number): Vnd {
    const pool = this.pools.get(key);
    const index = pool?.lotIndex.get(contributionId);
    return index === undefined ? 0 : pool!.lots[index]!.remainingVnd;
  }

  // Lazily, so taking a little from a pool of fifty thousand lots does not copy them all.
  *openLots(key: PoolKey): Generator<BookLot> {
    const pool = this.pool(key);
    while (pool.openFrom < pool.lots.length && pool.lots[pool.openFrom]!.remainingVnd === 0) pool.openFrom++;
    for (let i = pool.openFrom; i < pool.lots.length; i++) if (pool.lots[i]!.remainingVnd > 0) yield pool.lots[i]!;
  }

  // Checks every counter the database guards with CHECK constraints (the shared rule), then appends and hashes.
  post(draft: EntryDraft): PostedEntry {
    assertBalanced(draft);
    const effects = effectsOf(draft.lines);
    assertEffectsAllowed(this, effects);
    const id = this.entries.length + 1;
    const posted: PostedEntry = { ...draft, id, prevHash: this.headHash, hash: chainHash(this.headHash, id, draft) };
    for (const [houseId, delta] of effects.houses) {
      const house = this.house(houseId);
      house.allocatedVnd += delta.allocatedVnd;
      house.cashAllocatedVnd += delta.cashAllocatedVnd;
      house.disbursedVnd += delta.disbursedVnd;
      house.stateAllocatedVnd += delta.stateAllocatedVnd;
      house.statePaidVnd += delta.statePaidVnd;
    }
    for (const [key, delta] of effects.pools) this.pool(key, delta.areaId).balanceVnd += delta.deltaVnd;
    for (const lot of effects.lots.values()) {
      const pool = this.pool(lot.poolKey);
      const index = pool.lotIndex.get(lot.contributionId);
      if (index === undefined) {
        pool.lotIndex.set(lot.contributionId, pool.lots.length);
        pool.lots.push({ contributionId: lot.contributionId, seq: id, remainingVnd: lot.deltaVnd });
      } else {
        pool.lots[index]!.remainingVnd += lot.deltaVnd;
        if (lot.deltaVnd > 0) pool.openFrom = Math.min(pool.openFrom, index);
      }
    }
    if (draft.reversesEntryId !== null) this.reversed.add(draft.reversesEntryId);
    this.entries.push(posted);
    return posted;
  }

  // The rule itself lives in rules.ts, shared with the database path.
  giveCash(input: {
    contributionId: number; receiptCode: string; channel: CashChannel; amountVnd: Vnd; feeVnd?: Vnd;
    target: GiftTarget; houseId?: number; areaId?: number; occurredAt: Date;
  }): PostedEntry {
    const { draft } = cashGift(this, { ...input, feeVnd: input.feeVnd ?? 0, houseId: input.houseId ?? null, areaId: input.areaId ?? null });
    return this.post(draft);
  }

  giveInKind(input: { contributionId: number; houseId: number; valueVnd: Vnd; occurredAt: Date; description: string }): PostedEntry {
    return this.post(inKindGift(this, input));
  }

  giveLabour(input: { contributionId: number; houseId: number; estimateVnd: Vnd; occurredAt: Date; description: string }): PostedEntry {
    return this.post(labourGift(this, input));
  }

  giveStateBudget(input: { contributionId: number; houseId: number; amountVnd: Vnd; occurredAt: Date; description: string }): PostedEntry {
    return this.post(stateBudgetGift(this, input));
  }

  allocate(input: { houseId: number; poolAreaId: number | null; amountVnd: Vnd; occurredAt: Date; description: string }): PostedEntry {
    return this.post(allocation(this, input).draft);
  }

  disburse(input: { houseId: number; amountVnd: Vnd; occurredAt: Date; description: string }): PostedEntry {
    return this.post(disbursement(this, input));
  }

  payState(input: { houseId: number; amountVnd: Vnd; occurredAt: Date; description: string }): PostedEntry {
    return this.post(statePayment(this, input));
  }

  reverse(entryId: number, reason: string, occurredAt: Date): PostedEntry {
    const original = this.entries[entryId - 1];
    if (!original) throw new LedgerRuleError('entry_unknown', `Không có bút toán #${entryId}.`, `No entry #${entryId}.`);
    if (this.reversed.has(entryId)) {
      throw new LedgerRuleError('already_reversed', `Bút toán #${entryId} đã được đảo.`, `Entry #${entryId} was already reversed.`);
    }
    return this.post(reversalOf(original, reason, occurredAt));
  }
}
