// StrykerJS over the money rules and the pure parts of payments and publishing: `npm run test:mutation`
// (all of it) or `npm run test:mutation -- --mutate 'src/ledger/**/*.ts'` (one part). Slow: a
// benchmark-like report, not part of `npm test`. Reports go to .build/mutation/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'tests/mutation/vitest.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/ledger/**/*.ts',
    'src/payments/bank-statement.ts',
    'src/payments/vietqr.ts',
    'src/payments/bank-layouts.ts',
    // The matching rules of a bank row (credit to a pledge, debit to a payment), shared by the statement and the feed.
    'src/payments/matching.ts',
    'src/publish/chain.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  timeoutMS: 60_000,
  tempDirName: '.build/stryker-tmp',
  ignorePatterns: ['dist', 'data', '.build', '.astro', 'public-data', 'public-data.tmp-*'],
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: '.build/mutation/index.html' },
  jsonReporter: { fileName: '.build/mutation/report.json' },
  thresholds: { high: 90, low: 80, break: null },
  cleanTempDir: true,
};
