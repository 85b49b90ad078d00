// What the staff mail page shows: the outbox by status, newest first, addresses masked.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client';
import { schema } from '../../db/client';

export type MailStatus = (typeof schema.mailStatuses)[number];

export const mailStatusNames: Record<MailStatus, [string, string]> = {
  pending: ['Chờ gửi', 'Waiting'], retrying: ['Đang thử lại', 'Retrying'], sent: ['Đã gửi', 'Sent'],
  dead: ['Gửi thất bại', 'Failed (dead)'], suppressed: ['Không gửi (đã huỷ nhận)', 'Not sent (unsubscribed)'], erased: ['Không gửi (email đã xoá)', 'Not sent (email erased)'],
};

// Enough of the address to tell messages apart, not enough to copy it out of the page.
export function maskEmail(email: string | null): string {
  if (!email) return '—';
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

export interface OutboxRow {
  id: number; kind: string; receiptCode: string | null; recipient: string; status: MailStatus; attempts: number;
  nextAttemptAt: Date; lastError: string | null; sentAt: Date | null; createdAt: Date;
}

export async function outboxCounts(db: Db): Promise<Record<MailStatus, number>> {
  const rows = await queryRows<{ status: MailStatus; n: string | number }>(db, sql`SELECT status, count(*) AS n FROM mail_outbox GROUP BY status`);
  const counts = Object.fromEntries(schema.mailStatuses.map((s) => [s, 0])) as Record<MailStatus, number>;
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

// One page of messages, optionally of one status, newest first.
export async function listOutbox(db: Db, status: MailStatus | undefined, limit = 200): Promise<OutboxRow[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    SELECT id, kind, receipt_code, recipient, status, attempts, next_attempt_at, last_error, sent_at, created_at FROM mail_outbox
    WHERE ${status ?? null}::text IS NULL OR status = ${status ?? null} ORDER BY id DESC LIMIT ${limit}`);
  return rows.map((r) => ({
    id: Number(r.id), kind: String(r.kind), receiptCode: r.receipt_code as string | null, recipient: maskEmail(r.recipient as string | null),
    status: r.status as MailStatus, attempts: Number(r.attempts), nextAttemptAt: new Date(r.next_attempt_at as string), lastError: r.last_error as string | null,
    sentAt: r.sent_at ? new Date(r.sent_at as string) : null, createdAt: new Date(r.created_at as string),
  }));
}
