import { describe, it } from 'vitest';
import { chainSuite } from './chain.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) chainSuite('postgres', postgresFresh(url));
else describe('the public record is the chain (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
