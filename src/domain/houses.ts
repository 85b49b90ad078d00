import { and, eq, sql } from 'drizzle-orm';
import { queryRows, schema, type Db, type Tx } from '../../db/client';
import type { z } from 'zod';
import { houseCode } from './codes';
import { DomainError, notFound, translateDbError } from './errors';
import { houseProjectInput, stageInput, stages, type Stage } from './schemas';
import { parseInput } from './validate';
import { supportLevelVnd } from './campaigns';
import { enqueueHandoverNotes } from '../mail/outbox';
import { duplicateRefusal, duplicatesOf, registeredLike } from './households';
import { formatDate, formatVnd } from '../i18n/format';
import { subjectRecord } from '../ledger/public-record';
import { describeEntry } from '../ledger/descriptions';
import { commitRecords, consentRecord, type RecordPosting } from './public-records';

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
      const candidate = { areaId: input.areaId, ...input.household, confirmedNotDuplicate: input.confirmedNotDuplicate };
      const matches = duplicatesOf(candidate, await registeredLike(tx, campaign.id, [candidate]));
      if (matches.length > 0) throw duplicateRefusal(matches);
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
  const { household, confirmedNotDuplicate: _confirmed, ...project } = input;
  const [createdHousehold] = await tx.insert(households).values({
    ...household,
    areaId: project.areaId,
    headInitials: initialsOf(household.headFullName),
  }).returning({ id: households.id });
  const [next] = await queryRows<{ id: string | number }>(tx, sql`SELECT nextval(pg_get_serial_sequence('houses', 'id')) AS id`);
  const houseId = Number(next!.id);
  const publicCode = houseCode(campaign.code, houseId);
  const [house] = await tx.insert(houses).values({
    id: houseId,
    publicCode,
    campaignId: campaign.id,
    householdId: createdHousehold!.id,
    areaId: project.areaId,
    type: project.type,
    budgetVnd: project.budgetVnd ?? supportLevelVnd(campaign, project.source, project.type),
    minutesRef: project.minutesRef,
    approvedOn: project.approvedOn,
  }).returning();
  const [area] = await tx.select({ code: areas.code }).from(areas).where(eq(areas.id, project.areaId));
  await commitRecords(tx, new Date(), registrationRecords({ ...house!, areaCode: area!.code }, { ...household, headInitials: initialsOf(household.headFullName) }));
  return { houseId, publicCode };
}

type HouseRow = Pick<typeof houses.$inferSelect, 'id' | 'publicCode' | 'type' | 'budgetVnd' | 'minutesRef' | (typeof stageColumn)[Stage]>;
type HouseholdShown = Pick<typeof households.$inferSelect, 'headFullName' | 'headInitials' | 'publishFullName' | 'povertyStatus' | 'housingNeed'>;

// What registration commits: the house as the site shows it (its selection minutes included), the
// head of household as shown under the household's consent, and the stages already dated.
export function registrationRecords(house: HouseRow & { areaCode: string }, household: HouseholdShown): RecordPosting[] {
  return [
    {
      description: describeEntry.houseRegistered(house.publicCode),
      record: subjectRecord('house', house.id, {
        area_code: house.areaCode, budget_vnd: house.budgetVnd, code: house.publicCode, housing_need: household.housingNeed ?? null,
        minutes_ref: house.minutesRef, poverty_status: household.povertyStatus, type: house.type,
      }),
    },
    { description: describeEntry.headName(house.publicCode), record: consentRecord(house.id, house.publicCode, household) },
    ...stages.filter((stage) => house[stageColumn[stage]]).map((stage) => stageRecord(house, stage, house[stageColumn[stage]]!)),
  ];
}

// A stage reached and its date, as the house page shows them.
function stageRecord(house: Pick<HouseRow, 'id' | 'publicCode'>, stage: Stage, on: string): RecordPosting {
  return { description: describeEntry.stage(house.publicCode, stageNames[stage][0]), record: subjectRecord('stage', house.id, { house_code: house.publicCode, on, stage }) };
}

export const stageNames = {
  approved: ['Đã phê duyệt', 'Approved'],
  funded: ['Đã đủ kinh phí', 'Funded'],
  under_construction: ['Đang xây dựng', 'Under construction'],
  completed: ['Đã hoàn thành', 'Completed'],
  handed_over: ['Đã bàn giao', 'Handed over'],
} as const satisfies Record<Stage, readonly [string, string]>;

export const FUNDED_REASON_MIN = 10;

// "Funded" is a claim about money: it must match the ledger (every source together covers the budget),
// or carry a stated reason a reader can check (money held outside the ledger, a budget being revised…).
export function fundedClaimProblem(house: { publicCode: string; budgetVnd: number; allocatedVnd: number }, reason: string | undefined): DomainError | undefined {
  const shortVnd = house.budgetVnd - house.allocatedVnd;
  if (shortVnd <= 0 || (reason?.trim().length ?? 0) >= FUNDED_REASON_MIN) return undefined;
  return new DomainError(409, 'not_funded',
    `Sổ cái mới ghi nhận ${formatVnd(house.allocatedVnd)} trên dự toán ${formatVnd(house.budgetVnd)} cho nhà ${house.publicCode} (còn thiếu ${formatVnd(shortVnd)}). Chỉ chuyển sang "${stageNames.funded[0]}" khi đủ kinh phí, hoặc ghi rõ lý do (ít nhất ${FUNDED_REASON_MIN} ký tự).`,
    `The ledger holds ${formatVnd(house.allocatedVnd)} of the ${formatVnd(house.budgetVnd)} budget of house ${house.publicCode} (${formatVnd(shortVnd)} short). Move it to "${stageNames.funded[1]}" only when funded, or state the reason (at least ${FUNDED_REASON_MIN} characters).`,
    { field: 'reason' });
}

// Stages only move forward, each on or after the one before it; "funded" must match the ledger or say why not.
export async function advanceStage(db: Db, raw: unknown): Promise<{ houseId: number; stage: Stage; fundedReason: string | null }> {
  const input = parseInput(stageInput, raw);
  return db.transaction(async (tx) => {
    const [house] = await tx.select().from(houses).where(eq(houses.id, input.houseId)).for('update');
    if (!house) throw notFound(`nhà #${input.houseId}`, `House #${input.houseId}`);
    const index = stages.indexOf(input.stage);
    const previous = stages[index - 1]!;
    const previousOn = house[stageColumn[previous]];
    const [wanted, now] = [stageNames[input.stage], stageNames[stageOf(house)]];
    if (!previousOn || house[stageColumn[input.stage]]) {
      throw new DomainError(409, 'stage_order', `Nhà ${house.publicCode} đang ở giai đoạn "${now[0]}", không thể chuyển sang "${wanted[0]}".`,
        `House ${house.publicCode} is at stage "${now[1]}" and cannot move to "${wanted[1]}".`);
    }
    if (input.on < previousOn) {
      throw new DomainError(409, 'stage_date', `Ngày "${wanted[0]}" không được trước ngày "${stageNames[previous][0]}" (${formatDate(previousOn)}).`,
        `The "${wanted[1]}" date cannot be before the "${stageNames[previous][1]}" date (${formatDate(previousOn)}).`, { field: 'on' });
    }
    const fundedReason = input.stage === 'funded' && house.allocatedVnd < house.budgetVnd ? input.reason?.trim() ?? null : null;
    if (input.stage === 'funded') {
      const problem = fundedClaimProblem(house, input.reason);
      if (problem) throw problem;
    }
    await tx.update(houses).set({ [stageColumn[input.stage]]: input.on, ...(fundedReason ? { fundedReason } : {}) }).where(and(eq(houses.id, house.id)));
    await commitRecords(tx, new Date(), [stageRecord(house, input.stage, input.on)]);
    // Donors whose money reached the house hear of the handover, in this same transaction.
    if (input.stage === 'handed_over') await enqueueHandoverNotes(tx, house.id, input.on);
    return { houseId: house.id, stage: input.stage, fundedReason };
  });
}
