import { chainSuite } from './chain.suite';
import { pgliteFresh } from './harness';

chainSuite('pglite', pgliteFresh);
