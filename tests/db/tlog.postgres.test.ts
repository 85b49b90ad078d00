import { describe, it } from 'vitest';
import { tlogSuite } from './tlog.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) tlogSuite('postgres', postgresFresh(url));
else describe('transparency log (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
