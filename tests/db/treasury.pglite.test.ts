import { treasurySuite } from './treasury.suite';
import { pgliteFresh } from './harness';

treasurySuite('pglite', pgliteFresh);
