import { describe, it } from 'vitest';
import { staffDataSuite } from './staff-data.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) staffDataSuite('postgres', postgresFresh(url));
else describe('staff data entry errors (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
