// A stand-in for a bank-feed service (SePay's webhook): builds a transaction notification and signs it
// as the service would, for tests and the benchmark.
import { createHmac } from 'node:crypto';

export interface FeedTransaction {
  id: number;
  accountNumber: string;
  amountVnd: number;
  content: string;
  direction?: 'in' | 'out';
  /** yyyy-mm-dd HH:MM:SS, Vietnam time. */
  at?: string;
  reference?: string;
  gateway?: string;
}

// The body SePay posts for one transaction.
export function sepayBody(t: FeedTransaction): Record<string, unknown> {
  return {
    id: t.id, gateway: t.gateway ?? 'Vietcombank', transactionDate: t.at ?? '2024-09-05 09:30:00', accountNumber: t.accountNumber, subAccount: null, code: null,
    content: t.content, transferType: t.direction ?? 'in', transferAmount: t.amountVnd, accumulated: 0, referenceCode: t.reference ?? `FT${t.id}`,
    description: `BankAPINotify ${t.content}`,
  };
}

// Headers and bytes of a POST signed with HMAC-SHA256 over the raw body.
export function signedFeedRequest(body: unknown, secret: string): { headers: Record<string, string>; body: string } {
  const raw = JSON.stringify(body);
  return { headers: { 'content-type': 'application/json', 'x-signature': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` }, body: raw };
}
