import { staffDataSuite } from './staff-data.suite';
import { pgliteFresh } from './harness';

staffDataSuite('pglite', pgliteFresh);
