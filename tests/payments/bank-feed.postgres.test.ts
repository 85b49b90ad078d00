import { describe, it } from 'vitest';
import { bankFeedSuite } from './bank-feed.suite';
import { postgresFresh } from '../db/harness';

const url = process.env.DATABASE_URL;
if (url) bankFeedSuite('postgres', postgresFresh(url));
else describe('live bank feed (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
