import { describe, it } from 'vitest';
import { publicSiteSuite } from './public-site.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) publicSiteSuite('postgres', postgresFresh(url));
else describe('public site reads (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
