import { staffSuite } from './staff.suite';
import { pgliteFresh } from './harness';

staffSuite('pglite', pgliteFresh);
