// The live bank feed: a bank-feed service (SePay's payload) POSTs each transaction on the fund's
// account as it happens. Authenticated by an HMAC-SHA256 of the raw body or by the service's API key;
// each transaction is kept and matched exactly as a statement row (same key, same matching, same
// posting), in the transaction that claims the service's transaction id, so retries in any order post
// once and the month's statement later recognises the row by its bank reference.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { jsonRows, pipelinedTransaction, queryRows, type Db } from '../../db/client';
import { retryConflicts } from '../../db/pg-errors';
import { DomainError } from '../domain/errors';
import { GroupCommit, groupCommitFor } from '../domain/group-commit';
import { requestHash, runOnce } from '../domain/journal';
import { logEvent } from '../log';
import { readLimitedBody } from '../request-body';
import { importRows, noRows, type RowCounts } from './bank-import';
import type { StatementRow } from './bank-statement';

/** A notification is a few hundred bytes; anything near this is not one. */
const MAX_FEED_BYTES = 16 * 1024;

export interface FeedSettings {
  /** Secret for the HMAC-SHA256 signature of the raw body (header X-Signature: sha256=<hex>). */
  hmacSecret?: string;
  /** The service's API key (header Authorization: Apikey <key>). */
  apiKey?: string;
}

// Either way of authenticating the service, or none: without one the endpoint answers 503.
export function feedSettings(env: NodeJS.ProcessEnv = process.env): FeedSettings | undefined {
  const hmacSecret = env.BANK_FEED_HMAC_SECRET?.trim() || undefined;
  const apiKey = env.BANK_FEED_API_KEY?.trim() || undefined;
  return hmacSecret || apiKey ? { hmacSecret, apiKey } : undefined;
}

// SePay's documented webhook body; fields we do not use are allowed and ignored.
export const feedPayload = z.object({
  id: z.union([z.number().int().positive(), z.string().regex(/^[0-9A-Za-z_-]{1,64}$/)]).transform(String),
  gateway: z.string().max(60),
  transactionDate: z.string().regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/),
  accountNumber: z.string().regex(/^[0-9A-Za-z]{1,30}$/),
  subAccount: z.string().max(30).nullish(),
  code: z.string().max(60).nullish(),
  content: z.string().max(1000).default(''),
  transferType: z.enum(['in', 'out']),
  transferAmount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  accumulated: z.number().int().nullish(),
  referenceCode: z.string().max(60).nullish(),
  description: z.string().max(2000).nullish(),
});
export type FeedPayload = z.infer<typeof feedPayload>;

// True when the request carries the configured API key or a valid signature of exactly these bytes.
export function feedAuthentic(settings: FeedSettings, raw: Buffer, headers: Headers): boolean {
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  const apiKey = /^Apikey\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1]?.trim();
  if (settings.apiKey && apiKey && same(apiKey, settings.apiKey)) return true;
  const signature = /^sha256=([0-9a-f]{64})$/i.exec(headers.get('x-signature') ?? '')?.[1]?.toLowerCase();
  if (!settings.hmacSecret || !signature) return false;
  return same(signature, createHmac('sha256', settings.hmacSecret).update(raw).digest('hex'));
}

// The notification as a statement row, in Vietnam's local time, and the row key a statement gives it.
export function feedRow(payload: FeedPayload): { row: StatementRow; key: string } {
  const [date, time] = payload.transactionDate.split(/[ T]/) as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm, ss = 0] = time.split(':').map(Number) as [number, number, number?];
  const bookedAt = new Date(Date.UTC(y, m - 1, d, hh, mm, ss) - 7 * 3_600_000);
  const amount = payload.transferAmount;
  const reference = payload.referenceCode?.trim() || null;
  const row: StatementRow = {
    lineNo: 0, bookedAt, reference, creditVnd: payload.transferType === 'in' ? amount : 0, debitVnd: payload.transferType === 'out' ? amount : 0,
    balanceVnd: payload.accumulated ?? null, memo: payload.content, virtualAccount: payload.subAccount?.trim() || null,
  };
  // The bank's reference is what the statement keys the row by; without one, the service's id.
  return { row, key: reference ? `ref:${payload.accountNumber}:${reference}` : `feed:${payload.gateway}:${payload.id}` };
}

// The key that claims a notification: the service's own id for it.
const notificationKey = (payload: FeedPayload) => `bank-feed:${payload.gateway}:${payload.id}`;

export interface FeedReply { replayed: boolean; counts: RowCounts }

// One notification, posted once: the service's id claims it, in the same transaction as the posting.
// Notifications that arrive together share one transaction (group commit); one that batch leaves
// (its id already claimed: a retry) or a batch the database refuses is done alone, with a savepoint
// around each gift, so a refusal goes to review.
export async function postFeedTransaction(db: Db, payload: FeedPayload): Promise<FeedReply> {
  const batched = await feedCommitter(db).submit(payload);
  if (batched) return batched;
  const { row, key } = feedRow(payload);
  const { result, replayed } = await runOnce<RowCounts>(db, notificationKey(payload), payload, async (tx) => {
    const counts = noRows();
    await importRows(tx, null, [{ row, key }], counts);
    return counts;
  });
  return { replayed, counts: result };
}

// The feed's group commit: two notifications of one bank row never share a batch.
export function feedCommitter(db: Db): GroupCommit<FeedPayload, FeedReply | undefined> {
  return groupCommitFor(db, 'bank-feed', () => new GroupCommit(
    (payloads: FeedPayload[]) => postFeedBatch(db, payloads).catch(() => payloads.map(() => undefined)),
    (payload) => [notificationKey(payload), feedRow(payload).key],
  ));
}

// Claims the notifications' ids and posts their rows as one batch: every gift in one chain append, and
// the answers with COMMIT. A notification whose id was claimed before is left undefined for the caller.
async function postFeedBatch(db: Db, payloads: FeedPayload[]): Promise<(FeedReply | undefined)[]> {
  return pipelinedTransaction(db, async (tx, commit) => {
    const claims = payloads.map((payload) => ({ key: notificationKey(payload), request_hash: requestHash(payload) }));
    const claimed = new Set((await queryRows<{ key: string }>(tx, sql`
      INSERT INTO idempotency_keys (key, request_hash) SELECT key, request_hash FROM ${jsonRows(claims, 'key text, request_hash text')} AS k
      ON CONFLICT (key) DO NOTHING RETURNING key`)).map((row) => row.key));
    const mine = payloads.map((payload, i) => (claimed.has(claims[i]!.key) ? { ...feedRow(payload), counts: noRows(), claim: claims[i]!.key } : undefined));
    const posting = mine.filter((item) => item !== undefined);
    if (posting.length === 0) return mine.map(() => undefined);
    const countsByRow = new Map(posting.map((item) => [item.key, item.counts]));
    let finished: Promise<unknown> | undefined;
    // Every answer in one statement, behind the last writes and before COMMIT (done once, whether importRows queued it or not).
    const finish = () => (finished ??= Promise.all([
      tx.execute(sql`UPDATE idempotency_keys k SET result = v.result FROM ${jsonRows(posting.map((item) => ({ key: item.claim, result: item.counts })), 'key text, result jsonb')} AS v
        WHERE k.key = v.key`),
      commit(),
    ]));
    await importRows(tx, null, posting.map(({ row, key }) => ({ row, key })), (rowKey) => countsByRow.get(rowKey)!, { pipelined: true, finish });
    await finish();
    return mine.map((item) => item && { replayed: false, counts: item.counts });
  });
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
const refusal = (status: number, error: string, message: string, messageEn: string) => json(status, { success: false, error, message, messageEn });

// POST /api/bank/feed: 200 {success: true} once the transaction is kept (or was already); the service
// retries anything else, so a passing fault loses nothing.
export async function handleBankFeed(db: Db, settings: FeedSettings | undefined, request: Request): Promise<Response> {
  if (!settings) return refusal(503, 'feed_not_configured', 'Nguồn tin ngân hàng chưa được cấu hình.', 'The bank feed is not configured.');
  const raw = await readLimitedBody(request, MAX_FEED_BYTES).catch(() => undefined);
  if (!raw) return refusal(413, 'too_large', 'Nội dung quá lớn; không có gì thay đổi.', 'The body is too large; nothing changed.');
  if (!feedAuthentic(settings, raw, request.headers)) {
    return refusal(401, 'unauthenticated', 'Chữ ký hoặc khóa API không đúng; không có gì thay đổi.', 'The signature or API key is wrong; nothing changed.');
  }
  let payload: FeedPayload;
  try {
    payload = feedPayload.parse(JSON.parse(raw.toString('utf8')));
  } catch {
    return refusal(400, 'invalid_payload', 'Nội dung thông báo không đúng định dạng; không có gì thay đổi.', 'The notification is not in the expected shape; nothing changed.');
  }
  try {
    const { replayed, counts } = await retryConflicts(() => postFeedTransaction(db, payload));
    return json(200, { success: true, replayed, matched: counts.matched > 0 || counts.paymentsMatched > 0, review: Object.keys(counts.review) });
  } catch (error) {
    if (error instanceof DomainError) return refusal(error.status, error.code, error.message, error.messageEn);
    logEvent('error', 'bank_feed_failed', { error: error instanceof Error ? error.name : 'unknown' });
    return refusal(500, 'retry_later', 'Lỗi tạm thời; dịch vụ sẽ gửi lại.', 'A passing fault; the service will send it again.');
  }
}
