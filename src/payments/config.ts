// Payment settings come from the environment; without Stripe keys the card option is simply off.
import { z } from 'zod';

export interface FundBankAccount {
  bankBin: string;
  bankName: string;
  accountNo: string;
  accountName: string;
  /** True while the account is the built-in demo default, so pages can say so. */
  isDemo: boolean;
}

const DEMO_ACCOUNT = { bankBin: '970436', bankName: 'Vietcombank', accountNo: '0011000000000', accountName: 'QUY VI NGUOI NGHEO (DEMO)' };

const bankEnv = z.object({
  FUND_BANK_BIN: z.string().regex(/^\d{6}$/, 'FUND_BANK_BIN must be the 6-digit NAPAS BIN, e.g. 970436').optional(),
  FUND_BANK_NAME: z.string().trim().min(1).max(60).optional(),
  FUND_ACCOUNT_NO: z.string().regex(/^[0-9A-Za-z]{1,19}$/, 'FUND_ACCOUNT_NO must be 1–19 letters or digits').optional(),
  FUND_ACCOUNT_NAME: z.string().trim().min(1).max(70).optional(),
});

// The fund's receiving account; a misconfigured variable fails loudly instead of showing a wrong QR code.
export function fundBankAccount(env: NodeJS.ProcessEnv = process.env): FundBankAccount {
  const parsed = bankEnv.parse(env);
  const isDemo = !parsed.FUND_ACCOUNT_NO;
  return {
    bankBin: parsed.FUND_BANK_BIN ?? DEMO_ACCOUNT.bankBin,
    bankName: parsed.FUND_BANK_NAME ?? DEMO_ACCOUNT.bankName,
    accountNo: parsed.FUND_ACCOUNT_NO ?? DEMO_ACCOUNT.accountNo,
    accountName: parsed.FUND_ACCOUNT_NAME ?? DEMO_ACCOUNT.accountName,
    isDemo,
  };
}

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** Where the Stripe API is; only set to point the client at a local stand-in (tests, benchmarks). */
  apiBase?: URL;
}

// Both keys or nothing: a half-configured card path would take money it cannot confirm.
export function stripeSettings(env: NodeJS.ProcessEnv = process.env): StripeSettings | undefined {
  const secretKey = env.STRIPE_SECRET_KEY?.trim();
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim();
  if (!secretKey || !webhookSecret) return undefined;
  return { secretKey, webhookSecret, apiBase: env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : undefined };
}
