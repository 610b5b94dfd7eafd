import { defineConfig } from 'vitest/config'

// The statistics' tests alone, for mutating stats/: they need no database, so no global set-up.
// Instrumented code runs some twenty times slower while Stryker records which test reaches which
// mutant, hence the long timeout and the exhaustive sweeps skipped (skip-sweeps.ts).
export default defineConfig({
  test: {
    include: ['tests/stats/**/*.test.ts'],
    setupFiles: ['scripts/mutation/skip-sweeps.ts'],
    testTimeout: 600_000,
  },
})
