import { describe, it } from 'vitest';
import { treasurySuite } from './treasury.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) treasurySuite('postgres', postgresFresh(url));
else describe('treasury movements (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
