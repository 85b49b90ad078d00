import { describe, it } from 'vitest';
import { securitySuite } from './security.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) securitySuite('postgres', postgresFresh(url));
else describe('security in the data layer (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
