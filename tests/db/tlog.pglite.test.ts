import { tlogSuite } from './tlog.suite';
import { pgliteFresh } from './harness';

tlogSuite('pglite', pgliteFresh);
