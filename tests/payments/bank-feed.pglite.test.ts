import { bankFeedSuite } from './bank-feed.suite';
import { pgliteFresh } from '../db/harness';

bankFeedSuite('pglite', pgliteFresh);
