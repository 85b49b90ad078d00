import { bankSuite } from './bank.suite';
import { pgliteFresh } from '../db/harness';

bankSuite('pglite', pgliteFresh);
