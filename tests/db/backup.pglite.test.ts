import { backupSuite } from './backup.suite';
import { pgliteFresh } from './harness';

backupSuite('pglite', pgliteFresh);
