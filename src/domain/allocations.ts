// Giving pooled money to a house, by a decision, oldest gifts first.
import { describeEntry } from '../ledger/descriptions';
import { schema, type Db } from '../../db/client';
import { poolKey } from '../ledger/accounts';
import { assertPoolServes, assertWithinNeed, takeFifo, type Take } from '../ledger/allocation';
import { allocationEntry } from '../ledger/postings';
import { lockHouse } from './contributions';
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
    assertPoolServes(input.fromAreaId, house.areaId, house.publicCode);
    assertWithinNeed(input.amountVnd, house.budgetVnd - house.allocatedVnd, house.publicCode);
    const key = poolKey(input.fromAreaId);
    const takes = takeFifo(await lockPoolLots(tx, key, input.amountVnd), input.amountVnd);
    const entry = await postEntry(tx, allocationEntry({
      houseId: house.id,
      poolAreaId: input.fromAreaId,
      takes,
      occurredAt: input.occurredAt,
      description: describeEntry.allocation(house.publicCode, input.decisionRef),
    }));
    const [allocation] = await tx.insert(schema.allocations).values({
      entryId: entry.id, houseId: house.id, poolKey: key, amountVnd: input.amountVnd, decisionRef: input.decisionRef, createdBy: input.createdBy,
    }).returning({ id: schema.allocations.id });
    return { allocationId: allocation!.id, entryId: entry.id, entryHash: entry.hash, takes };
  });
}
