import { and, eq, sql } from 'drizzle-orm';
import { queryRows, schema, type Db, type Tx } from '../../db/client';
import type { z } from 'zod';
import { houseCode } from './codes';
import { DomainError, notFound, translateDbError } from './errors';
import { houseProjectInput, stageInput, stages, type Stage } from './schemas';
import { parseInput } from './validate';
import { supportLevelVnd } from './campaigns';
import { enqueueHandoverNotes } from '../mail/outbox';

const { houses, households, areas, campaigns } = schema;

// Initials of the head of household, shown unless consent to publish the full name is recorded.
export function initialsOf(fullName: string): string {
  return fullName.trim().split(/\s+/).map((word) => `${word[0]!.toLocaleUpperCase('vi')}.`).join('');
}

export const stageColumn = {
  approved: 'approvedOn', funded: 'fundedOn', under_construction: 'constructionOn', completed: 'completedOn', handed_over: 'handedOverOn',
} as const satisfies Record<Stage, keyof typeof houses.$inferSelect>;

// A house is at the last stage that has a date.
export function stageOf(house: Pick<typeof houses.$inferSelect, (typeof stageColumn)[Stage]>): Stage {
  let current: Stage = 'approved';
  for (const stage of stages) if (house[stageColumn[stage]]) current = stage;
  return current;
}

// Registers a household and its approved house project; the budget defaults to the campaign's support level.
export async function registerHouseProject(db: Db, raw: unknown): Promise<{ houseId: number; publicCode: string }> {
  const input = parseInput(houseProjectInput, raw);
  try {
    return await db.transaction(async (tx) => {
      const [area] = await tx.select().from(areas).where(eq(areas.id, input.areaId));
      if (!area) throw notFound(`xã #${input.areaId}`, `Commune #${input.areaId}`);
      if (area.level !== 'commune') throw new DomainError(400, 'not_a_commune', 'Nhà phải thuộc một xã.', 'A house must be in a commune.');
      const [campaign] = await tx.select().from(campaigns).where(eq(campaigns.id, input.campaignId));
      if (!campaign) throw notFound(`chiến dịch #${input.campaignId}`, `Campaign #${input.campaignId}`);
      return insertHouse(tx, campaign, input);
    });
  } catch (error) {
    translateDbError(error);
  }
}

export async function insertHouse(
  tx: Tx,
  campaign: typeof campaigns.$inferSelect,
  input: z.output<typeof houseProjectInput>,
): Promise<{ houseId: number; publicCode: string }> {
  const { household } = input;
  const [createdHousehold] = await tx.insert(households).values({
    ...household,
    areaId: input.areaId,
    headInitials: initialsOf(household.headFullName),
  }).returning({ id: households.id });
  const [next] = await queryRows<{ id: string | number }>(tx, sql`SELECT nextval(pg_get_serial_sequence('houses', 'id')) AS id`);
  const houseId = Number(next!.id);
  const publicCode = houseCode(campaign.code, houseId);
  await tx.insert(houses).values({
    id: houseId,
    publicCode,
    campaignId: campaign.id,
    householdId: createdHousehold!.id,
    areaId: input.areaId,
    type: input.type,
    budgetVnd: input.budgetVnd ?? supportLevelVnd(campaign, input.source, input.type),
    minutesRef: input.minutesRef,
    approvedOn: input.approvedOn,
  });
  return { houseId, publicCode };
}

// Stages only move forward, each on or after the one before it.
export async function advanceStage(db: Db, raw: unknown): Promise<{ houseId: number; stage: Stage }> {
  const input = parseInput(stageInput, raw);
  return db.transaction(async (tx) => {
    const [house] = await tx.select().from(houses).where(eq(houses.id, input.houseId)).for('update');
    if (!house) throw notFound(`nhà #${input.houseId}`, `House #${input.houseId}`);
    const index = stages.indexOf(input.stage);
    const previous = stages[index - 1]!;
    const previousOn = house[stageColumn[previous]];
    if (!previousOn || house[stageColumn[input.stage]]) {
      throw new DomainError(409, 'stage_order', `Nhà ${house.publicCode} đang ở giai đoạn "${stageOf(house)}", không thể chuyển sang "${input.stage}".`,
        `House ${house.publicCode} is at stage "${stageOf(house)}" and cannot move to "${input.stage}".`);
    }
    if (input.on < previousOn) {
      throw new DomainError(409, 'stage_date', `Ngày ${input.stage} không được trước ngày ${previous} (${previousOn}).`,
        `The ${input.stage} date cannot be before the ${previous} date (${previousOn}).`);
    }
    await tx.update(houses).set({ [stageColumn[input.stage]]: input.on }).where(and(eq(houses.id, house.id)));
    // Donors whose money reached the house hear of the handover, in this same transaction.
    if (input.stage === 'handed_over') await enqueueHandoverNotes(tx, house.id, input.on);
    return { houseId: house.id, stage: input.stage };
  });
}
