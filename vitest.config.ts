import { defineConfig } from 'vitest/config'

// One run covers every test. The database under test is the PostgreSQL server named by
// DATABASE_URL when it is set, embedded PGlite otherwise (.ci/run runs both).
const onServer = Boolean(process.env.DATABASE_URL)

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Cutting the connection to PostgreSQL, or restarting it, only means something with a server;
    // the postgres.js dialect is the server's.
    exclude: onServer
      ? []
      : [
          'tests/faults/database-outage.test.ts',
          'tests/faults/postgres-restart.test.ts',
          'tests/server/postgres-js-dialect.test.ts',
        ],
    globalSetup: ['tests/helpers/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
})
