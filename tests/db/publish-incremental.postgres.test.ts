import { describe, it } from 'vitest';
import { publishIncrementalSuite } from './publish-incremental.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) publishIncrementalSuite('postgres', postgresFresh(url));
else describe('incremental publish (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
