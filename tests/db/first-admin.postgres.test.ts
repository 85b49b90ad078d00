import { describe, it } from 'vitest';
import { firstAdminSuite } from './first-admin.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) firstAdminSuite('postgres', postgresFresh(url));
else describe('first administrator link (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
