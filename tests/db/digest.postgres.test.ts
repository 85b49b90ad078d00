import { describe, it } from 'vitest';
import { digestSuite } from './digest.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) digestSuite('postgres', postgresFresh(url));
else describe('table content digests (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
