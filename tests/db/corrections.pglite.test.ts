import { correctionsSuite } from './corrections.suite';
import { pgliteFresh } from './harness';

correctionsSuite('pglite', pgliteFresh);
