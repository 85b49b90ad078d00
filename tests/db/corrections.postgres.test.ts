import { describe, it } from 'vitest';
import { correctionsSuite } from './corrections.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) correctionsSuite('postgres', postgresFresh(url));
else describe('corrections in the staff workspace (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
