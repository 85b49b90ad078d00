import { describe, it } from 'vitest';
import { publishSuite } from './publish.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) publishSuite('postgres', postgresFresh(url));
else describe('open dataset and live reads (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
