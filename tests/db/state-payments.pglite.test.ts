import { statePaymentsSuite } from './state-payments.suite';
import { pgliteFresh } from './harness';

statePaymentsSuite('pglite', pgliteFresh);
