import { giftBatchSuite } from './gift-batch.suite';
import { pgliteFresh } from './harness';

giftBatchSuite('pglite', pgliteFresh);
