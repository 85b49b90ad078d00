// What the server's payment routes share: the database, and the Stripe client when keys are set.
import type Stripe from 'stripe';
import { sharedDatabase, type Db } from '../../db/client';
import { RateLimiter } from '../rate-limit';
import { fundBankAccount, stripeSettings, type FundBankAccount, type StripeSettings } from './config';
import { stripeClient } from './stripe';

export interface PaymentsRuntime {
  db: Db;
  bank: FundBankAccount;
  stripe?: { client: Stripe; settings: StripeSettings };
  /** Pledges per client address (the server has one; a test runtime may leave it out). */
  pledgeLimiter?: RateLimiter;
}

/** Pledges one client address may create in the window (a family or an office giving a few times is fine). */
export const PLEDGES_PER_ADDRESS = 10;
export const PLEDGE_WINDOW_MS = 15 * 60_000;

let runtime: PaymentsRuntime | undefined;

// Read once per process: the environment does not change under a running server.
export function paymentsRuntime(): PaymentsRuntime {
  if (!runtime) {
    const settings = stripeSettings();
    runtime = {
      db: sharedDatabase().db, bank: fundBankAccount(), stripe: settings ? { client: stripeClient(settings), settings } : undefined,
      pledgeLimiter: new RateLimiter(PLEDGES_PER_ADDRESS, PLEDGE_WINDOW_MS),
    };
  }
  return runtime;
}
