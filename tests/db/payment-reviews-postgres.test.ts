import { describe, it } from 'vitest';
import { paymentReviewSuite } from './payment-reviews.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) paymentReviewSuite('postgres', postgresFresh(url));
else describe('payment review queue (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
