// How a truck's valuation is shared: each house up to what it still needs, in the order typed, the
// rest held by the commune; the entry balances and never credits a house beyond its need.
import { describe, expect, it } from 'vitest';
import { shareShipment, shipmentEntry } from '../../src/domain/in-kind';
import type { HouseState } from '../../src/ledger/rules';

const house = (id: number, budgetVnd: number, allocatedVnd: number): [number, HouseState] => [id, { id, code: `BK-${id}`, areaId: 7, budgetVnd, allocatedVnd }];

describe('one truck for several houses', () => {
  it('fills each house up to its need, twice-named houses included, and holds the rest for the commune', () => {
    const houses = new Map([house(1, 30_000_000, 28_000_000), house(2, 60_000_000, 0), house(3, 30_000_000, 30_000_000)]);
    const shares = shareShipment([
      { houseId: 1, valueVnd: 1_500_000 }, { houseId: 1, valueVnd: 1_000_000 }, { houseId: 2, valueVnd: 4_000_000 },
      { houseId: 3, valueVnd: 700_000 }, { houseId: null, valueVnd: 300_000 },
    ], houses);
    expect(shares).toEqual([
      { houseId: 1, valueVnd: 1_500_000, surplusVnd: 0 }, { houseId: 1, valueVnd: 500_000, surplusVnd: 500_000 },
      { houseId: 2, valueVnd: 4_000_000, surplusVnd: 0 }, { houseId: 3, valueVnd: 0, surplusVnd: 700_000 }, { houseId: null, valueVnd: 0, surplusVnd: 300_000 },
    ]);
    const entry = shipmentEntry({ contributionId: 9, areaId: 7, shares, occurredAt: new Date('2025-04-02T00:00:00+07:00'), description: 'Hiện vật' });
    expect(entry.lines.map((l) => [l.account, l.houseId, l.areaId, l.amountVnd])).toEqual([
      ['in_kind_received', null, null, 7_500_000], ['house_in_kind', 1, null, -2_000_000], ['house_in_kind', 2, null, -4_000_000], ['commune_in_kind', null, 7, -1_500_000],
    ]);
  });

  it('writes no commune line when every house has room', () => {
    const shares = shareShipment([{ houseId: 2, valueVnd: 4_000_000 }], new Map([house(2, 60_000_000, 0)]));
    const entry = shipmentEntry({ contributionId: 9, areaId: 7, shares, occurredAt: new Date(), description: 'Hiện vật' });
    expect(entry.lines.map((l) => l.account)).toEqual(['in_kind_received', 'house_in_kind']);
  });
});
