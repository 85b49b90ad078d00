import { ledgerSuite } from './ledger.suite';
import { pgliteFresh } from './harness';

ledgerSuite('pglite', pgliteFresh);
