import { stripeSuite } from './stripe.suite';
import { pgliteFresh } from '../db/harness';

stripeSuite('pglite', pgliteFresh);
