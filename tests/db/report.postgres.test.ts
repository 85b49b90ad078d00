import { describe, it } from 'vitest';
import { reportSuite } from './report.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) reportSuite('postgres', postgresFresh(url));
else describe('six-monthly report (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
