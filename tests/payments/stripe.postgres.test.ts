import { describe, it } from 'vitest';
import { stripeSuite } from './stripe.suite';
import { postgresFresh } from '../db/harness';

const url = process.env.DATABASE_URL;
if (url) stripeSuite('postgres', postgresFresh(url));
else describe('card intake through Stripe (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
