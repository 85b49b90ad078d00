// The tests StrykerJS runs against each mutant: the pure rules' unit and property tests only
// (no database, no browser), so a mutant costs seconds. Used by `npm run test:mutation`, not by `npm test`.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: [
      'tests/unit/{allocation,book,book.property,entry,hash,money,postings,publish,bank-match}.test.ts',
      'tests/payments/{bank-statement,vietqr}.test.ts',
    ],
    testTimeout: 60_000,
    // Instrumented code runs several times slower: fewer cases per property keep each mutant within bounds.
    env: { ANCU_PROPERTY_RUNS: '25' },
  },
});
