import { schema, type Db } from '../../db/client';
import type { z } from 'zod';
import { campaignInput, areaInput, fundingSource, houseType } from './schemas';
import { parseInput } from './validate';
import { DomainError } from './errors';

const { campaigns, areas } = schema;
type Campaign = typeof campaigns.$inferSelect;

export async function createCampaign(db: Db, raw: unknown): Promise<number> {
  const input = parseInput(campaignInput, raw);
  const [created] = await db.insert(campaigns).values(input).returning({ id: campaigns.id });
  return created!.id;
}

export async function createArea(db: Db, raw: unknown): Promise<number> {
  const input = parseInput(areaInput, raw);
  const [created] = await db.insert(areas).values(input).returning({ id: areas.id });
  return created!.id;
}

// The support level a house of this type gets from this source, as configured for the campaign.
export function supportLevelVnd(campaign: Campaign, source: z.output<typeof fundingSource>, type: z.output<typeof houseType>): number {
  const levels = campaign.supportLevels as Partial<Record<string, Record<string, number>>>;
  const level = levels[source]?.[type];
  if (!level) {
    throw new DomainError(400, 'no_support_level', `Chiến dịch chưa cấu hình mức hỗ trợ ${source}/${type}.`,
      `The campaign has no support level for ${source}/${type}.`);
  }
  return level;
}

// The campaign everything is shown for; the first one created is the current one.
export async function currentCampaign(db: Db): Promise<Campaign | undefined> {
  const [campaign] = await db.select().from(campaigns).orderBy(campaigns.id).limit(1);
  return campaign;
}
