import { businessFeedbackSuite } from './business-feedback.suite';
import { pgliteFresh } from './harness';

businessFeedbackSuite('pglite', pgliteFresh);
