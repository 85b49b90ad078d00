import { describe, it } from 'vitest';
import { giftBatchSuite } from './gift-batch.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) giftBatchSuite('postgres', postgresFresh(url));
else describe('group commit of cash gifts (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
