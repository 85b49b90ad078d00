import { describe, it } from 'vitest';
import { paritySuite } from './parity.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) paritySuite('postgres', postgresFresh(url));
else describe('one rulebook: the database path and the in-memory Book agree (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
