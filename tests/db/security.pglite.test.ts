import { securitySuite } from './security.suite';
import { pgliteFresh } from './harness';

securitySuite('pglite', pgliteFresh);
