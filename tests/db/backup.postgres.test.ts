import { describe, it } from 'vitest';
import { backupSuite } from './backup.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) backupSuite('postgres', postgresFresh(url));
else describe('backup and restore (postgres)', () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
