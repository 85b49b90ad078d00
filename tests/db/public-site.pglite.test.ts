import { publicSiteSuite } from './public-site.suite';
import { pgliteFresh } from './harness';

publicSiteSuite('pglite', pgliteFresh);
