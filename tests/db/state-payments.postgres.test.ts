import { describe, it } from 'vitest';
import { statePaymentsSuite } from './state-payments.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) statePaymentsSuite('postgres', postgresFresh(url));
else describe('state support paid to households (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
