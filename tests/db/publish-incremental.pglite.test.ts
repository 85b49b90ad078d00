import { publishIncrementalSuite } from './publish-incremental.suite';
import { pgliteFresh } from './harness';

publishIncrementalSuite('pglite', pgliteFresh);
