// A small campaign to test against: one province, one district, two communes, a few houses.
import type { Db } from '../../db/client';
import { createArea, createCampaign } from '../../src/domain/campaigns';
import { registerHouseProject } from '../../src/domain/houses';
import { recordCashContribution } from '../../src/domain/contributions';
import { DEMO_CAMPAIGN } from '../../src/domain/demo/generate';

export interface World {
  campaignId: number;
  communeA: number;
  communeB: number;
  houses: { houseId: number; publicCode: string }[];
}

export async function buildWorld(db: Db, houseCount = 3): Promise<World> {
  const { id: _id, ...campaign } = DEMO_CAMPAIGN;
  const campaignId = await createCampaign(db, campaign);
  const province = await createArea(db, { code: 'T', name: 'Tỉnh Thử', level: 'province', parentId: null });
  const district = await createArea(db, { code: 'T-D', name: 'Huyện Thử', level: 'district', parentId: province });
  const communeA = await createArea(db, { code: 'T-D-A', name: 'Xã A', level: 'commune', parentId: district, newCommuneName: 'Xã Mới' });
  const communeB = await createArea(db, { code: 'T-D-B', name: 'Xã B', level: 'commune', parentId: district, newCommuneName: 'Xã Mới' });
  const houses = [];
  for (let i = 0; i < houseCount; i++) {
    houses.push(await registerHouseProject(db, {
      campaignId, areaId: communeA, type: 'repair', minutesRef: `BB-${i + 1}`, approvedOn: '2024-08-01',
      household: { headFullName: `Hoàng Văn Thử ${i + 1}`, povertyStatus: 'poor', members: 4, nationalId: `00620000000${i}`, phone: '0912345678' },
    }));
  }
  return { campaignId, communeA, communeB, houses };
}

let keyCounter = 0;
export const nextKey = (prefix = 'k') => `${prefix}-${++keyCounter}-${Date.now()}`;

// A confirmed cash gift with sensible defaults; tests override what they exercise.
export function give(db: Db, world: World, overrides: Record<string, unknown> = {}) {
  return recordCashContribution(db, {
    idempotencyKey: nextKey('gift'),
    campaignId: world.campaignId,
    channel: 'bank_transfer',
    amountVnd: 1_000_000,
    target: { type: 'general' },
    receivedAt: '2024-09-01T03:00:00Z',
    donor: { kind: 'individual', displayName: 'Người Thử' },
    ...overrides,
  });
}
