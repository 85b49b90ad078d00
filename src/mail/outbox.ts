// The transactional outbox: each function here is called inside the transaction of the event that
// causes the message, so the message exists exactly when the event does, and a replayed event
// (same dedupe key) adds nothing. The worker (worker.ts) sends what is due.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { jsonRows, queryRows, schema, type Tx } from '../../db/client';
import { todayInVietnam } from '../staff/forms';
import type { MailPayload } from './messages';


export type MailKind = (typeof schema.mailKinds)[number];

export interface Attachment { filename: string; contentType: string; base64: string }

export interface OutgoingMessage {
  campaignId: number;
  /** Names the event and its recipient, never the address: `receipt:AC12345678`, `feedback:42`. */
  dedupeKey: string;
  recipient: string | null | undefined;
  payload: MailPayload;
  attachments?: Attachment[];
}

export type EnqueueResult = 'queued' | 'suppressed' | 'duplicate' | 'no_recipient';

// Only the receipt itself ignores an unsubscribe: it is the record of the donor's own money.
export const ignoresUnsubscribe = (kind: MailKind) => kind === 'receipt';

// The one entry point for every message: call it with the event's transaction.
export async function enqueueMessage(tx: Tx, message: OutgoingMessage): Promise<EnqueueResult> {
  const recipient = message.recipient?.trim();
  if (!recipient) return 'no_recipient';
  const kind = message.payload.kind;
  const receiptCode = 'receiptCode' in message.payload ? message.payload.receiptCode : null;
  const [row] = await queryRows<{ status: string }>(tx, sql`
    INSERT INTO mail_outbox (campaign_id, dedupe_key, kind, recipient, receipt_code, payload, attachments, unsubscribe_token, status)
    SELECT ${message.campaignId}, ${message.dedupeKey}, ${kind}, ${recipient}, ${receiptCode}, ${JSON.stringify(message.payload)}::jsonb,
           ${message.attachments ? JSON.stringify(message.attachments) : null}::jsonb, ${randomBytes(18).toString('base64url')},
           CASE WHEN ${!ignoresUnsubscribe(kind)} AND EXISTS (SELECT 1 FROM mail_unsubscribes u WHERE u.campaign_id = ${message.campaignId} AND u.email = lower(${recipient}))
                THEN 'suppressed' ELSE 'pending' END
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING status`);
  return row ? (row.status as 'pending' | 'suppressed') === 'pending' ? 'queued' : 'suppressed' : 'duplicate';
}

// Hook: pledges just confirmed (card webhook, bank statement, review queue) get their receipt, one per
// receipt code however often the confirmation is replayed. One statement for a whole statement batch,
// started at once (no read first), so a caller can queue it behind its last writes. The calendar day is
// Vietnam's (UTC+7 all year), as todayInVietnam gives it; the token is random per message.
export function enqueueReceipts(tx: Tx, pledgeIds: number[]): Promise<void> {
  if (pledgeIds.length === 0) return Promise.resolve();
  const tokens = pledgeIds.map((pledge_id) => ({ pledge_id, token: randomBytes(18).toString('base64url') }));
  return tx.execute(sql`
    INSERT INTO mail_outbox (campaign_id, dedupe_key, kind, recipient, receipt_code, payload, unsubscribe_token, status)
    SELECT r.campaign_id, 'receipt:' || r.receipt_code, 'receipt', r.email, r.receipt_code,
      jsonb_build_object('kind', 'receipt', 'receiptCode', r.receipt_code, 'amountVnd', r.amount_vnd, 'channel', r.channel, 'entryId', r.entry_id,
        'receivedOn', to_char((r.received_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD'),
        'went', jsonb_build_object('houseCode', r.house_code, 'houseVnd', r.house_vnd, 'communeName', r.commune_name, 'communeVnd', r.commune_vnd, 'generalVnd', r.general_vnd)),
      r.token, 'pending'
    FROM (
      SELECT p.campaign_id, p.receipt_code, btrim(p.email) AS email, c.amount_vnd, c.received_at, c.channel, h.public_code AS house_code,
             coalesce(went.commune_name, pa.name) AS commune_name, e.id AS entry_id, t.token,
             coalesce(went.house_vnd, 0) AS house_vnd, coalesce(went.commune_vnd, 0) AS commune_vnd, coalesce(went.general_vnd, 0) AS general_vnd
      FROM ${jsonRows(tokens, 'pledge_id integer, token text')} AS t
      JOIN pledges p ON p.id = t.pledge_id
      JOIN contributions c ON c.id = p.contribution_id
      LEFT JOIN journal_entries e ON e.contribution_id = c.id AND e.kind = 'contribution'
      LEFT JOIN houses h ON h.id = p.target_house_id
      LEFT JOIN areas pa ON pa.id = p.target_area_id
      LEFT JOIN LATERAL (SELECT -sum(l.amount_vnd) FILTER (WHERE l.account = 'house_cash') AS house_vnd,
                                -sum(l.amount_vnd) FILTER (WHERE l.account = 'pool_commune') AS commune_vnd,
                                -sum(l.amount_vnd) FILTER (WHERE l.account = 'pool_general') AS general_vnd,
                                min(a.name) FILTER (WHERE l.account = 'pool_commune') AS commune_name
                         FROM journal_lines l LEFT JOIN areas a ON a.id = l.area_id WHERE l.entry_id = e.id) went ON true
      WHERE btrim(p.email) <> '') r
    ON CONFLICT (dedupe_key) DO NOTHING`).then(() => undefined);
}

// The Vietnamese calendar day of a moment, as the messages show dates.
const isoDay = (value: Date | string) => todayInVietnam(new Date(value));

// Hook: a card gift refunded or taken back by a dispute; one note per receipt.
export async function enqueueRefundNotice(tx: Tx, pledgeId: number, reason: 'refund' | 'dispute', on: Date): Promise<void> {
  const [p] = await queryRows<{ campaign_id: number; receipt_code: string; email: string | null; amount_vnd: string | number }>(tx, sql`
    SELECT campaign_id, receipt_code, email, amount_vnd FROM pledges WHERE id = ${pledgeId}`);
  if (!p) return;
  await enqueueMessage(tx, {
    campaignId: p.campaign_id, dedupeKey: `refund:${p.receipt_code}`, recipient: p.email,
    payload: { kind: 'refund', receiptCode: p.receipt_code, amountVnd: Number(p.amount_vnd), on: isoDay(on), reason },
  });
}

// Hook: a house handed over tells every donor whose money reached it (designated or pooled), each once.
export async function enqueueHandoverNotes(tx: Tx, houseId: number, on: string): Promise<void> {
  const rows = await queryRows<{ campaign_id: number; receipt_code: string; email: string; house_code: string; commune_name: string; share_vnd: string | number }>(tx, sql`
    SELECT h.campaign_id, c.receipt_code, coalesce(p.email, d.email) AS email, h.public_code AS house_code, a.name AS commune_name,
           -sum(l.amount_vnd) AS share_vnd
    FROM journal_lines l
    JOIN houses h ON h.id = l.house_id
    JOIN areas a ON a.id = h.area_id
    JOIN contributions c ON c.id = l.contribution_id
    JOIN donors d ON d.id = c.donor_id
    LEFT JOIN pledges p ON p.contribution_id = c.id
    WHERE l.house_id = ${houseId} AND l.account = 'house_cash'
    GROUP BY h.campaign_id, c.receipt_code, p.email, d.email, h.public_code, a.name
    HAVING -sum(l.amount_vnd) > 0 AND coalesce(p.email, d.email) IS NOT NULL
    ORDER BY c.receipt_code`);
  for (const r of rows) {
    await enqueueMessage(tx, {
      campaignId: r.campaign_id, dedupeKey: `handover:${r.house_code}:${r.receipt_code}`, recipient: r.email,
      payload: { kind: 'handover', receiptCode: r.receipt_code, houseCode: r.house_code, communeName: r.commune_name, handedOverOn: on, shareVnd: Number(r.share_vnd) },
    });
  }
}

