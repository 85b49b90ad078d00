// People's supervision (resolution 45-NQ/TU): a visitor asks about or complains of a house, a payment or
// a selection and gets a tracking code; staff answer in a queue, each answer audited; the answers staff
// publish are shown with their questions. Nothing personal is kept: no name, contact or address fields,
// and text carrying a phone number or an email is refused, since the question is published as written.
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { schema, type Db } from '../../db/client';
import { currentCampaign } from '../domain/campaigns';
import { newReceiptCode } from '../domain/codes';
import { DomainError, notFound } from '../domain/errors';
import { freeText } from '../domain/text';
import { RateLimiter } from '../rate-limit';
import { firstIssue } from '../public-form';
import { audit } from '../staff/audit';
import type { ActionContext, Done } from '../staff/actions';

const { feedback, houses } = schema;
export type Feedback = typeof feedback.$inferSelect;

/** A few messages per address per hour is plenty for a person and little for a flood. */
export const feedbackLimiter = new RateLimiter(5, 60 * 60_000);

const PERSONAL_DATA = /[^\s@]+@[^\s@]+\.[^\s@]+|(?:\+?84|0)(?:[\s.-]?\d){8,10}/;
const NO_PERSONAL_DATA = 'Xin đừng ghi số điện thoại hay email: nội dung sẽ được công khai / Please leave out phone numbers and emails: the text is published';

const publicText = (min: number, max: number) => freeText(min, max, {
  multiline: true,
  tooShort: `Hãy viết ít nhất ${min} ký tự / Write at least ${min} characters`,
}).refine((text) => !PERSONAL_DATA.test(text), NO_PERSONAL_DATA);

// The public form as posted: every value a string, a blank house code meaning "none".
export const feedbackForm = z.object({
  topic: z.enum(schema.feedbackTopics, { message: 'Hãy chọn câu hỏi về việc gì / Choose what the question is about' }),
  houseCode: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().toUpperCase().regex(/^[A-Z]{1,10}-\d{5}$/, 'Mã nhà có dạng BK-00012 / A house code looks like BK-00012').optional()),
  question: publicText(10, 2000),
});

export const trackingQuery = z.string().trim().toUpperCase().regex(/^GY[0-9A-Z]{8}$/, 'Mã theo dõi có dạng GY và 8 ký tự / A tracking code is GY and 8 characters');

export const answerForm = z.object({
  id: z.string().regex(/^[1-9]\d{0,9}$/, 'Thiếu câu hỏi cần trả lời / The question to answer is missing').transform(Number),
  answer: publicText(2, 4000),
  publish: z.preprocess((v) => v === 'on', z.boolean()),
});

// Tracking codes look like receipt codes with their own prefix: random, read aloud easily.
export const newTrackingCode = () => `GY${newReceiptCode().slice(2)}`;

// Records a question; the house, when named, must exist.
export async function submitFeedback(db: Db, input: z.output<typeof feedbackForm>): Promise<Feedback> {
  const campaign = await currentCampaign(db);
  if (!campaign) throw new DomainError(409, 'no_campaign', 'Chưa có chiến dịch nào.', 'There is no campaign yet.');
  if (input.houseCode) {
    const [house] = await db.select({ id: houses.id }).from(houses).where(eq(houses.publicCode, input.houseCode));
    if (!house) throw notFound(`nhà ${input.houseCode}`, `House ${input.houseCode}`);
  }
  const [row] = await db.insert(feedback).values({
    campaignId: campaign.id, trackingCode: newTrackingCode(), topic: input.topic, houseCode: input.houseCode ?? null, question: input.question,
  }).returning();
  return row!;
}

// What the visitor sees by tracking code: the question and, once given, the answer.
export async function feedbackByCode(db: Db, code: string): Promise<Feedback> {
  const [row] = await db.select().from(feedback).where(eq(feedback.trackingCode, code));
  if (!row) throw notFound(`góp ý có mã theo dõi ${code}`, `A question with tracking code ${code}`);
  return row;
}

// The published questions with their answers, newest answer first.
export function publishedFeedback(db: Db, limit = 200): Promise<Feedback[]> {
  return db.select().from(feedback).where(eq(feedback.published, true)).orderBy(desc(feedback.answeredAt), desc(feedback.id)).limit(limit);
}

// The staff queue: open questions oldest first, or answered ones newest first.
export function feedbackQueue(db: Db, state: 'open' | 'answered' = 'open', limit = 200): Promise<Feedback[]> {
  return db.select().from(feedback).where(eq(feedback.status, state))
    .orderBy(state === 'open' ? feedback.createdAt : desc(feedback.answeredAt), feedback.id).limit(limit);
}

// Staff answer (or correct their answer) and choose whether to publish; the audit entry commits with it.
export async function answerFeedback(db: Db, who: { actor: string; ip: string | null }, input: z.output<typeof answerForm>): Promise<Feedback> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(feedback)
      .set({ status: 'answered', answer: input.answer, answeredBy: who.actor, answeredAt: new Date(), published: input.publish })
      .where(eq(feedback.id, input.id)).returning();
    if (!row) throw notFound(`góp ý #${input.id}`, `Question #${input.id}`);
    await audit(tx, { actor: who.actor, action: 'feedback.answer', outcome: 'ok', target: `feedback:${row.id}`, details: { published: input.publish }, ip: who.ip });
    return row;
  });
}

// The staff form's action: zod reads the posted fields, the refusal names the problem in both languages.
export async function answerFeedbackAction(ctx: ActionContext, form: FormData): Promise<Done> {
  const parsed = answerForm.safeParse(Object.fromEntries([...form.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : ''])));
  if (!parsed.success) {
    const { vi, en } = firstIssue(parsed.error);
    throw new DomainError(400, 'invalid_input', vi, en, { field: String(parsed.error.issues[0]?.path[0] ?? '') });
  }
  const row = await answerFeedback(ctx.db, { actor: ctx.user.username, ip: ctx.ip }, parsed.data);
  return row.published
    ? { vi: `Đã trả lời ${row.trackingCode} và công khai trên trang Góp ý.`, en: `Answered ${row.trackingCode} and published it on the public questions page.`, link: '/y-kien/' }
    : { vi: `Đã trả lời ${row.trackingCode} (chưa công khai).`, en: `Answered ${row.trackingCode} (not published).` };
}
