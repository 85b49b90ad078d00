// Sends what the outbox holds over SMTP with nodemailer: claims due messages under a lease (so a
// crash mid-send retries rather than loses), retries with exponential backoff, and after the last
// attempt leaves the message dead for staff to see and resend. Without SMTP settings nothing is sent
// and the outbox keeps every message.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, sharedDatabase, type Db } from '../../db/client';
import { logEvent } from '../log';
import { renderMessage, type CheckpointRef, type MailPayload } from './messages';
import { ignoresUnsubscribe, type Attachment, type MailKind } from './outbox';

const env = z.object({
  SMTP_HOST: z.string().trim().min(1).max(253).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** "true": TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  SMTP_USER: z.string().max(320).optional(),
  SMTP_PASSWORD: z.string().max(1000).optional(),
  MAIL_FROM: z.string().trim().min(3).max(320).default('Quỹ Vì người nghèo <no-reply@localhost>'),
  PUBLIC_SITE_URL: z.string().url().default('http://127.0.0.1:4321'),
});

export interface MailSettings {
  smtp: { host: string; port: number; secure: boolean; auth?: { user: string; pass: string } };
  from: string;
  site: string;
}

// Read from the environment; undefined (nothing is sent) when SMTP_HOST is not set.
export function mailSettings(source: NodeJS.ProcessEnv = process.env): MailSettings | undefined {
  const parsed = env.safeParse(source);
  if (!parsed.success) throw new Error(`Mail settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  if (!e.SMTP_HOST) return undefined;
  return {
    smtp: { host: e.SMTP_HOST, port: e.SMTP_PORT, secure: e.SMTP_SECURE === 'true', ...(e.SMTP_USER ? { auth: { user: e.SMTP_USER, pass: e.SMTP_PASSWORD ?? '' } } : {}) },
    from: e.MAIL_FROM,
    site: e.PUBLIC_SITE_URL.replace(/\/+$/, ''),
  };
}

export interface RetryPolicy {
  /** Delay before the second attempt; doubles each time. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** After this many failed attempts the message is dead. */
  maxAttempts: number;
  /** How long a claimed message is left alone before another pass may try it again. */
  leaseMs: number;
}

// About a day of retries in all (1, 2, 4 … minutes, capped at 6 hours): an SMTP outage of hours loses nothing.
export const defaultRetry: RetryPolicy = { baseDelayMs: 60_000, maxDelayMs: 6 * 3600_000, maxAttempts: 10, leaseMs: 5 * 60_000 };

// Exponential backoff after the n-th failed attempt (1-based).
export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.baseDelayMs * 2 ** Math.max(0, attempts - 1), policy.maxDelayMs);
}

// The latest published checkpoint, if the dataset folder has one (the message then cites it).
export function latestCheckpoint(dir = resolve(process.env.ANCU_DATASET_DIR ?? 'public-data')): CheckpointRef | null {
  try {
    const raw = JSON.parse(readFileSync(resolve(dir, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
    const entryCount = Number(raw.entry_count ?? raw.entries);
    const headHash = String(raw.head_hash ?? raw.root_hash ?? '');
    return Number.isSafeInteger(entryCount) && /^[0-9a-f]{64}$/i.test(headHash) ? { entryCount, headHash } : null;
  } catch {
    return null;
  }
}

// Timestamps go to raw SQL as ISO text: postgres.js and PGlite then read them alike.
const at = (ms: number) => new Date(ms).toISOString();

export const unsubscribeLink = (site: string, token: string) => `${site}/api/mail/unsubscribe?t=${token}`;

interface DueRow extends Record<string, unknown> {
  id: number; kind: MailKind; recipient: string; payload: MailPayload; attachments: Attachment[] | null;
  unsubscribe_token: string; attempts: number; campaign_id: number;
}

export interface PassReport { claimed: number; sent: number; retrying: number; dead: number; suppressed: number }

export interface SendOptions {
  transport: Pick<Transporter, 'sendMail'>;
  settings: Pick<MailSettings, 'from' | 'site'>;
  retry?: RetryPolicy;
  batch?: number;
  now?: () => Date;
  checkpoint?: () => CheckpointRef | null;
}

// One pass: claim up to `batch` due messages, send each, record the outcome. Safe to run in several processes.
export async function sendDue(db: Db, options: SendOptions): Promise<PassReport> {
  const retry = options.retry ?? defaultRetry;
  const now = options.now?.() ?? new Date();
  const report: PassReport = { claimed: 0, sent: 0, retrying: 0, dead: 0, suppressed: 0 };
  // The claim is its own short statement: no transaction is held open while SMTP talks.
  const due = await queryRows<DueRow>(db, sql`
    UPDATE mail_outbox o SET next_attempt_at = ${at(now.getTime() + retry.leaseMs)}::timestamptz, attempts = o.attempts + 1
    WHERE o.id IN (SELECT id FROM mail_outbox WHERE status IN ('pending', 'retrying') AND next_attempt_at <= ${at(now.getTime())}::timestamptz
                   ORDER BY next_attempt_at, id LIMIT ${options.batch ?? 20} FOR UPDATE SKIP LOCKED)
    RETURNING o.id, o.kind, o.recipient, o.payload, o.attachments, o.unsubscribe_token, o.attempts, o.campaign_id`);
  report.claimed = due.length;
  const checkpoint = (options.checkpoint ?? latestCheckpoint)();
  for (const row of due.sort((a, b) => a.id - b.id)) {
    // An unsubscribe that arrived after the message was queued still counts.
    if (!ignoresUnsubscribe(row.kind)) {
      const [stop] = await queryRows(db, sql`SELECT 1 FROM mail_unsubscribes WHERE campaign_id = ${row.campaign_id} AND email = lower(${row.recipient})`);
      if (stop) {
        await db.execute(sql`UPDATE mail_outbox SET status = 'suppressed' WHERE id = ${row.id} AND status IN ('pending', 'retrying')`);
        report.suppressed++;
        continue;
      }
    }
    const unsubscribe = unsubscribeLink(options.settings.site, row.unsubscribe_token);
    const message = renderMessage(row.payload, { site: options.settings.site, unsubscribe }, checkpoint);
    try {
      const info = await options.transport.sendMail({
        from: options.settings.from,
        to: row.recipient,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated' },
        attachments: (row.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.base64, 'base64') })),
      });
      // Erased while it was being sent: the address must not come back.
      await db.execute(sql`UPDATE mail_outbox SET status = 'sent', sent_at = now(), message_id = ${String(info.messageId ?? '').slice(0, 300)}, last_error = NULL
                           WHERE id = ${row.id} AND status IN ('pending', 'retrying')`);
      report.sent++;
      logEvent('info', 'mail.sent', { id: row.id, kind: row.kind, attempts: row.attempts });
    } catch (error) {
      const dead = row.attempts >= retry.maxAttempts;
      // The SMTP reply code and text, never the address (servers often quote it back).
      const reason = String((error as { responseCode?: number }).responseCode ?? (error as { code?: string }).code ?? 'error') + ': '
        + String((error as Error).message ?? error).replaceAll(row.recipient, '<recipient>').slice(0, 300);
      await db.execute(sql`UPDATE mail_outbox SET status = ${dead ? 'dead' : 'retrying'}, last_error = ${reason},
                             next_attempt_at = ${at(now.getTime() + retryDelayMs(retry, row.attempts))}::timestamptz
                           WHERE id = ${row.id} AND status IN ('pending', 'retrying')`);
      if (dead) report.dead++;
      else report.retrying++;
      logEvent(dead ? 'error' : 'warn', dead ? 'mail.dead' : 'mail.retry', { id: row.id, kind: row.kind, attempts: row.attempts });
    }
  }
  return report;
}

// Staff: put a dead (or retrying) message back at the front of the queue with its attempts reset.
export async function resendMessage(db: Db, id: number): Promise<boolean> {
  const rows = await queryRows(db, sql`UPDATE mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL
                                       WHERE id = ${id} AND status IN ('dead', 'retrying') AND recipient IS NOT NULL RETURNING id`);
  return rows.length > 0;
}

export function smtpTransport(settings: MailSettings): Transporter {
  return nodemailer.createTransport({ ...settings.smtp, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 });
}

let running: { stop: () => void } | undefined;

// Started once by the server process when SMTP is configured: a pass every few seconds, never two at once.
export function startMailWorker(db: Db, intervalMs = 5_000): { stop: () => void } | undefined {
  if (running) return running;
  const settings = mailSettings();
  if (!settings) {
    logEvent('info', 'mail.worker.off', { reason: 'SMTP_HOST not set; messages wait in the outbox' });
    return undefined;
  }
  const transport = smtpTransport(settings);
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    sendDue(db, { transport, settings })
      .catch((error) => logEvent('error', 'mail.worker.failed', { error: String((error as Error).message ?? error).slice(0, 200) }))
      .finally(() => { busy = false; });
  }, intervalMs);
  timer.unref();
  running = { stop: () => { clearInterval(timer); transport.close(); running = undefined; } };
  logEvent('info', 'mail.worker.on', { host: settings.smtp.host, port: settings.smtp.port });
  return running;
}

let ensured = false;

// Called on every live request; starts the worker the first time (a no-op without SMTP settings).
export function ensureMailWorker(): void {
  if (ensured) return;
  ensured = true;
  try {
    // The database is opened only when there is mail to send: a server without SMTP settings
    // (or one that serves only the static site) never touches it here.
    if (mailSettings()) startMailWorker(sharedDatabase().db);
    else logEvent('info', 'mail.worker.off', { reason: 'SMTP_HOST not set; messages wait in the outbox' });
  } catch (error) {
    // Bad settings must not take the site down: messages wait in the outbox and the log says why.
    logEvent('error', 'mail.worker.settings', { error: String((error as Error).message).slice(0, 300) });
  }
}

// For the staff page: is a mail server configured (and are its settings valid)?
export function mailConfigured(): boolean {
  try {
    return Boolean(mailSettings());
  } catch {
    return false;
  }
}
