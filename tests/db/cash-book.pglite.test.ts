import { cashBookSuite } from './cash-book.suite';
import { pgliteFresh } from './harness';

cashBookSuite('pglite', pgliteFresh);
