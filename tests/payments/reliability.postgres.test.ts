import { describe, it } from 'vitest';
import { reliabilitySuite } from './reliability.suite';
import { postgresFresh } from '../db/harness';

const url = process.env.DATABASE_URL;
if (url) reliabilitySuite('postgres', postgresFresh(url));
else describe('intake reliability (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
