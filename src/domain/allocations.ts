// Giving pooled money to a house, by a decision, oldest gifts first.
import { describeEntry } from '../ledger/descriptions';
import { schema, type Db } from '../../db/client';
import { poolKey } from '../ledger/accounts';
import type { Take } from '../ledger/allocation';
import { publicRecord } from '../ledger/public-record';
import { allocation } from '../ledger/rules';
import { houseState, lockHouse } from './contributions';
import { lockPoolLots, postEntry, runOnce, type Outcome } from './journal';
import { allocationInput } from './schemas';
import { parseInput } from './validate';

export interface AllocationResult {
  allocationId: number;
  entryId: number;
  entryHash: string;
  takes: Take[];
}

// The house row lock comes before the pool lock everywhere, so two writers never wait on each other in a cycle.
export async function allocateFromPool(db: Db, raw: unknown): Promise<Outcome<AllocationResult>> {
  const input = parseInput(allocationInput, raw);
  const { idempotencyKey, ...request } = input;
  return runOnce(db, idempotencyKey, request, async (tx) => {
    const house = await lockHouse(tx, input.houseId);
    const key = poolKey(input.fromAreaId);
    // The pool's lots are locked only when the house may take the money from that pool.
    const lots = house.areaId === input.fromAreaId || input.fromAreaId === null ? await lockPoolLots(tx, key, input.amountVnd) : [];
    const { draft, takes } = allocation({ house: () => houseState(house), openLots: () => lots }, {
      houseId: house.id, poolAreaId: input.fromAreaId, amountVnd: input.amountVnd, occurredAt: input.occurredAt,
      description: describeEntry.allocation(house.publicCode, input.decisionRef),
    });
    const record = publicRecord('allocation', { amount_vnd: input.amountVnd, decision_ref: input.decisionRef, house_code: house.publicCode, pool_key: key });
    const entry = await postEntry(tx, { ...draft, record });
    const [created] = await tx.insert(schema.allocations).values({
      entryId: entry.id, houseId: house.id, poolKey: key, amountVnd: input.amountVnd, decisionRef: input.decisionRef, createdBy: input.createdBy,
    }).returning({ id: schema.allocations.id });
    return { allocationId: created!.id, entryId: entry.id, entryHash: entry.hash, takes };
  });
}
