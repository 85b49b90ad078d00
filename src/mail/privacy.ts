// A donor's rights over their email (Decree 13/2023): stop updates with one click, or have the address
// erased everywhere it is stored. Both answer the same whatever they find, so neither reveals who gave.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '../../db/client';
import { audit } from '../staff/audit';

/** Bumped whenever the privacy notice changes; each pledge records the version its donor agreed to. */
export const PRIVACY_NOTICE_VERSION = '2026-12-04';

// The one-click token from the message's link or List-Unsubscribe header.
export const unsubscribeToken = z.string().trim().regex(/^[A-Za-z0-9_-]{20,40}$/, 'Liên kết huỷ nhận thư không hợp lệ. / The unsubscribe link is not valid.');

// Stops every message but receipts to the address the token was sent to, for that campaign.
export async function unsubscribe(db: Db, token: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ campaign_id: number; recipient: string }>(tx, sql`
      SELECT campaign_id, recipient FROM mail_outbox WHERE unsubscribe_token = ${token} AND recipient IS NOT NULL`);
    if (!row) return false;
    await tx.execute(sql`INSERT INTO mail_unsubscribes (campaign_id, email) VALUES (${row.campaign_id}, lower(${row.recipient})) ON CONFLICT DO NOTHING`);
    await tx.execute(sql`UPDATE mail_outbox SET status = 'suppressed'
      WHERE campaign_id = ${row.campaign_id} AND lower(recipient) = lower(${row.recipient}) AND kind <> 'receipt' AND status IN ('pending', 'retrying')`);
    return true;
  });
}

export const erasureForm = z.object({
  receiptCode: z.string().trim().toUpperCase().regex(/^AC[0-9A-Z]{8}$/, 'receiptCode'),
  email: z.string().trim().max(200, 'email').email('email'),
});

export interface ErasureResult { erased: boolean; pledges: number; donors: number; outbox: number; other: number }

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Removes the address from every table that can hold it, in one transaction, when the receipt code
// and the address belong together; the audit log records that it happened, never the address.
export async function eraseEmail(db: Db, input: z.output<typeof erasureForm>, ip: string | null): Promise<ErasureResult> {
  const result = await db.transaction(async (tx) => {
    const [owner] = await queryRows(tx, sql`
      SELECT 1 FROM pledges WHERE receipt_code = ${input.receiptCode} AND lower(email) = lower(${input.email})
      UNION ALL
      SELECT 1 FROM contributions c JOIN donors d ON d.id = c.donor_id WHERE c.receipt_code = ${input.receiptCode} AND lower(d.email) = lower(${input.email})`);
    if (!owner) return { erased: false, pledges: 0, donors: 0, outbox: 0, other: 0 };
    const count = async (query: ReturnType<typeof sql>) => (await queryRows(tx, query)).length;
    const pattern = escapeRegex(input.email);
    const pledges = await count(sql`UPDATE pledges SET email = NULL WHERE lower(email) = lower(${input.email}) RETURNING id`);
    const donors = await count(sql`UPDATE donors SET email = NULL WHERE lower(email) = lower(${input.email}) RETURNING id`);
    const outbox = await count(sql`UPDATE mail_outbox SET recipient = NULL, status = CASE WHEN status IN ('pending', 'retrying') THEN 'erased' ELSE status END
                                   WHERE lower(recipient) = lower(${input.email}) RETURNING id`);
    // Copies that arrived inside other records: Stripe's event objects and bank memos.
    const other = await count(sql`DELETE FROM mail_unsubscribes WHERE email = lower(${input.email}) RETURNING 1`)
      + await count(sql`UPDATE stripe_parked_events SET object = regexp_replace(object::text, ${pattern}, '[erased]', 'gi')::jsonb
                        WHERE object::text ~* ${pattern} RETURNING 1`)
      + await count(sql`UPDATE bank_statement_rows SET memo = regexp_replace(memo, ${pattern}, '[erased]', 'gi') WHERE memo ~* ${pattern} RETURNING 1`)
      + await count(sql`UPDATE payment_reviews SET detail = regexp_replace(detail, ${pattern}, '[erased]', 'gi') WHERE detail ~* ${pattern} RETURNING 1`);
    // Audited in the same transaction: an erasure is never done without its record.
    await audit(tx, { actor: null, action: 'privacy.email_erasure', outcome: 'ok', target: input.receiptCode, details: { pledges, donors, outbox, other }, ip });
    return { erased: true, pledges, donors, outbox, other };
  });
  if (!result.erased) await audit(db, { actor: null, action: 'privacy.email_erasure', outcome: 'refused', target: input.receiptCode, details: { reason: 'no_match' }, ip });
  return result;
}
