import { describe, it } from 'vitest';
import { bankSuite } from './bank.suite';
import { postgresFresh } from '../db/harness';

const url = process.env.DATABASE_URL;
if (url) bankSuite('postgres', postgresFresh(url));
else describe('bank transfers and statement import (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
