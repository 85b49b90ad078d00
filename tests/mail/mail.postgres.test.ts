import { describe, it } from 'vitest';
import { mailSuite } from './mail.suite';
import { postgresFresh } from '../db/harness';

const url = process.env.DATABASE_URL;
if (url) mailSuite('postgres', postgresFresh(url));
else describe('donor emails from the outbox (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
