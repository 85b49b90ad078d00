import { digestSuite } from './digest.suite';
import { pgliteFresh } from './harness';

digestSuite('pglite', pgliteFresh);
