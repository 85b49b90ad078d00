import { racesSuite } from './races.suite';
import { pgliteFresh } from './harness';

racesSuite('pglite', pgliteFresh);
