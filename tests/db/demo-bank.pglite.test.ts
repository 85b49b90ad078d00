import { demoBankSuite } from './demo-bank.suite';
import { pgliteFresh } from './harness';

demoBankSuite('pglite', pgliteFresh);
