import { paymentReviewSuite } from './payment-reviews.suite';
import { pgliteFresh } from './harness';

paymentReviewSuite('pglite', pgliteFresh);
