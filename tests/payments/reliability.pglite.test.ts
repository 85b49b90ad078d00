import { reliabilitySuite } from './reliability.suite';
import { pgliteFresh } from '../db/harness';

reliabilitySuite('pglite', pgliteFresh);
