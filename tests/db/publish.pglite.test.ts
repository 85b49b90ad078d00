import { publishSuite } from './publish.suite';
import { pgliteFresh } from './harness';

publishSuite('pglite', pgliteFresh);
