import { describe, it } from 'vitest';
import { demoBankSuite } from './demo-bank.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) demoBankSuite('postgres', postgresFresh(url));
else describe('the demo ties out to its bank statements (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
