import { reportSuite } from './report.suite';
import { pgliteFresh } from './harness';

reportSuite('pglite', pgliteFresh);
