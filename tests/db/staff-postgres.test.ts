import { describe, it } from 'vitest';
import { staffSuite } from './staff.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) staffSuite('postgres', postgresFresh(url));
else describe('staff workspace (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
