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
    'src/payments/amounts.ts',
    // decide(): the matching rule of a statement row to a pledge; the rest of the file is database work.
    'src/payments/bank-import.ts:32-45',
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
