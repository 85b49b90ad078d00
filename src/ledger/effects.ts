import { isCashAccount, poolKey, type CashAccountCode, type JournalLine, type PoolKey } from './accounts';
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

function houseEffect(effects: Counters, houseId: number): HouseEffect {
  let found = effects.houses.get(houseId);
  if (!found) {
    found = { allocatedVnd: 0, cashAllocatedVnd: 0, disbursedVnd: 0, stateAllocatedVnd: 0, statePaidVnd: 0 };
    effects.houses.set(houseId, found);
  }
  return found;
}

/** The counters alone, without per-gift lots: what the dataset verifier folds a million entries into. */
export type Counters = Pick<Effects, 'houses' | 'pools'> & { lots?: Effects['lots'] };

// Derives every counter change from the lines alone, so a reversal (negated lines) undoes them
// and ledger:verify can recompute the counters from the journal with the same function.
export function effectsOf(lines: Iterable<JournalLine>): Effects;
export function effectsOf<T extends Counters>(lines: Iterable<JournalLine>, into: T): T;
export function effectsOf(lines: Iterable<JournalLine>, into?: Counters): Counters {
  const effects: Counters = into ?? { houses: new Map(), pools: new Map(), lots: new Map() };
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
        if (effects.lots && item.contributionId !== null) {
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

// What an entry adds to (or takes from) each account holding real money, for the non-negative rule.
export function cashEffectsOf(lines: Iterable<JournalLine>): Map<CashAccountCode, Vnd> {
  const cash = new Map<CashAccountCode, Vnd>();
  for (const item of lines) if (isCashAccount(item.account)) cash.set(item.account, (cash.get(item.account) ?? 0) + item.amountVnd);
  return cash;
}
