import { paritySuite } from './parity.suite';
import { pgliteFresh } from './harness';

paritySuite('pglite', pgliteFresh);
