import { poolKey, type JournalLine, type PoolKey } from './accounts';
import type { Vnd } from './money';

export interface HouseEffect {
  allocatedVnd: Vnd;
  cashAllocatedVnd: Vnd;
  disbursedVnd: Vnd;
  /** State budget support given to the house, and the part of it the commune or district paid out. */
  stateAllocatedVnd: Vnd;
  statePaidVnd: Vnd;
}

export interface Effects {
  houses: Map<number, HouseEffect>;
  pools: Map<PoolKey, { areaId: number | null; deltaVnd: Vnd }>;
  /** Keyed `${poolKey}|${contributionId}`: what each contribution adds to or takes from a pool. */
  lots: Map<string, { poolKey: PoolKey; contributionId: number; deltaVnd: Vnd }>;
}

function houseEffect(effects: Effects, houseId: number): HouseEffect {
  let found = effects.houses.get(houseId);
  if (!found) {
    found = { allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0 };
    effects.houses.set(houseId, found);
  }
  return found;
}

// Derives every counter change from the lines alone, so a reversal (negated lines) undoes them
// and ledger:verify can recompute the counters from the journal with the same function.
export function effectsOf(lines: Iterable<JournalLine>, into?: Effects): Effects {
  const effects: Effects = into ?? { houses: new Map(), pools: new Map(), lots: new Map() };
  for (const item of lines) {
    const credit = -item.amountVnd;
    switch (item.account) {
      case 'house_cash': {
        const house = houseEffect(effects, item.houseId!);
        house.allocatedVnd += credit;
        house.cashAllocatedVnd += credit;
        break;
      }
      case 'house_in_kind':
        houseEffect(effects, item.houseId!).allocatedVnd += credit;
        break;
      case 'house_state': {
        const house = houseEffect(effects, item.houseId!);
        house.allocatedVnd += credit;
        house.stateAllocatedVnd += credit;
        break;
      }
      case 'house_state_paid':
        houseEffect(effects, item.houseId!).statePaidVnd += item.amountVnd;
        break;
      case 'house_paid':
        houseEffect(effects, item.houseId!).disbursedVnd += item.amountVnd;
        break;
      case 'pool_general':
      case 'pool_commune': {
        const areaId = item.account === 'pool_commune' ? item.areaId : null;
        const key = poolKey(areaId);
        const pool = effects.pools.get(key) ?? { areaId, deltaVnd: 0 };
        pool.deltaVnd += credit;
        effects.pools.set(key, pool);
        if (item.contributionId !== null) {
          const lotKey = `${key}|${item.contributionId}`;
          const lot = effects.lots.get(lotKey) ?? { poolKey: key, contributionId: item.contributionId, deltaVnd: 0 };
          lot.deltaVnd += credit;
          effects.lots.set(lotKey, lot);
        }
        break;
      }
      default:
        break;
    }
  }
  return effects;
}
