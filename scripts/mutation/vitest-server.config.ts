import { defineConfig } from 'vitest/config'
import base from '../../vitest.config.ts'

// The API's tests for mutating server/services and server/auth: the project's configuration (its
// database set-up included) narrowed to tests/server, tests/security and tests/trust. The browser
// suites (tests/e2e), the faults and the soak never run under mutation; nor does the fuzz suite,
// whose inputs come from a fresh random seed each run (a kill it made could not be repeated) and
// which takes four minutes here.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['tests/server/**/*.test.ts', 'tests/security/**/*.test.ts', 'tests/trust/**/*.test.ts'],
    exclude: [...(base.test?.exclude ?? []), 'tests/trust/fuzz.test.ts'],
  },
})
