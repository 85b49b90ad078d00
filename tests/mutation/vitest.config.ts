// The tests StrykerJS runs against each mutant: the pure rules' unit and property tests only
// (no database, no browser), so a mutant costs seconds. Used by `npm run test:mutation`, not by `npm test`.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: [
      // book.property.test.ts is left out: its random 60-operation runs cost a minute per surviving mutant
      // on this 2-core machine, so the score is that of the example tests, a lower bound.
      'tests/unit/{accounts,allocation,book,canonical,chain-check,entry,hash,headline,money,postings,publish,rules}.test.ts',
      'tests/payments/{bank-statement,bank-layouts,bank-reading,matching,vietqr}.test.ts',
      'tests/payments/bank-statement.property.test.ts',
    ],
    testTimeout: 60_000,
    // Instrumented code runs several times slower: fewer cases per property keep each mutant within bounds.
    env: { ANCU_PROPERTY_RUNS: '10' },
  },
});
