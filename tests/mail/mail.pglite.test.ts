import { mailSuite } from './mail.suite';
import { pgliteFresh } from '../db/harness';

mailSuite('pglite', pgliteFresh);
