import { defineConfig } from 'vitest/config'

// One run covers every test. The database under test is the PostgreSQL server named by
// DATABASE_URL when it is set, embedded PGlite otherwise (.ci/run runs both).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
})
