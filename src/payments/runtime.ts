// What the server's payment routes share: the database, and the Stripe client when keys are set.
import type Stripe from 'stripe';
import { sharedDatabase, type Db } from '../../db/client';
import { fundBankAccount, stripeSettings, type FundBankAccount, type StripeSettings } from './config';
import { stripeClient } from './stripe';

export interface PaymentsRuntime {
  db: Db;
  bank: FundBankAccount;
  stripe?: { client: Stripe; settings: StripeSettings };
}

let runtime: PaymentsRuntime | undefined;

// Read once per process: the environment does not change under a running server.
export function paymentsRuntime(): PaymentsRuntime {
  if (!runtime) {
    const settings = stripeSettings();
    runtime = { db: sharedDatabase().db, bank: fundBankAccount(), stripe: settings ? { client: stripeClient(settings), settings } : undefined };
  }
  return runtime;
}
