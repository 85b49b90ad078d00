import { describe, it } from 'vitest';
import { racesSuite } from './races.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) racesSuite('postgres', postgresFresh(url));
else describe('races (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
