import { describe, it } from 'vitest';
import { ledgerSuite } from './ledger.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) ledgerSuite('postgres', postgresFresh(url));
else describe('ledger database (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
