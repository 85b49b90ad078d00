import { describe, it } from 'vitest';
import { cashBookSuite } from './cash-book.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) cashBookSuite('postgres', postgresFresh(url));
else describe('two-sided sao kê and reconciliation (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
