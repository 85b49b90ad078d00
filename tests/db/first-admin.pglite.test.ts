import { firstAdminSuite } from './first-admin.suite';
import { pgliteFresh } from './harness';

firstAdminSuite('pglite', pgliteFresh);
