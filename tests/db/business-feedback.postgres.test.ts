import { describe, it } from 'vitest';
import { businessFeedbackSuite } from './business-feedback.suite';
import { postgresFresh } from './harness';

const url = process.env.DATABASE_URL;
if (url) businessFeedbackSuite('postgres', postgresFresh(url));
else describe("businesses and the public's questions (postgres)", () => it.skip('needs DATABASE_URL (CI sets it; .ci/run shows how)', () => {}));
