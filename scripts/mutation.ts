/**
 * Mutation testing with StrykerJS:
 * `npm run mutation -- [area…] [--force] [--concurrency=n] [--mutate=glob,…] [--dry-run-only]`.
 *
 * Each area mutates its own files and runs only the tests that matter for it (per-test coverage,
 * so a mutant runs only the tests that reach it). Results are kept in
 * reports/mutation/<area>.incremental.json, committed, so the next run re-tests only the mutants
 * whose code or tests changed; `--force` re-tests everything. `--mutate` narrows an area to some of
 * its files (the incremental file then holds those files' results only); `--dry-run-only` runs the
 * area's tests once, instrumented, and stops (to time a run or check the set-up). Reports:
 * reports/mutation/<area>/.
 */
import { performance } from 'node:perf_hooks'
import { Stryker } from '@stryker-mutator/core'
import type { MutantResult, PartialStrykerOptions } from '@stryker-mutator/api/core'

interface Area {
  readonly mutate: readonly string[]
  readonly vitestConfig: string
  /** What the type checker compiles: the code a mutant can break, not the whole repository. */
  readonly tsconfig: string
  readonly tests: readonly string[]
  /** Both cores for the pure statistics; the API's tests each hold a PGlite of hundreds of MB. */
  readonly concurrency: number
  /**
   * Added to the time a mutant's tests took unmutated before it counts as a timeout. The API's
   * tests vary by seconds on a shared machine (scrypt, PGlite), so they get more room.
   */
  readonly timeoutMS: number
}

const serverTests = ['tests/server/**/*.test.ts', 'tests/security/**/*.test.ts', 'tests/trust/**/*.test.ts']

const areas: Record<string, Area> = {
  stats: {
    mutate: ['stats/**/*.ts'],
    vitestConfig: 'scripts/mutation/vitest-stats.config.ts',
    tsconfig: 'scripts/mutation/tsconfig.stats.json',
    tests: ['tests/stats/**/*.test.ts'],
    concurrency: 2,
    timeoutMS: 10_000,
  },
  // server/services/auth.ts (sign-in, sessions, passwords) belongs to the auth area.
  services: {
    mutate: ['server/services/**/*.ts', '!server/services/auth.ts'],
    vitestConfig: 'scripts/mutation/vitest-server.config.ts',
    tsconfig: 'scripts/mutation/tsconfig.server.json',
    tests: serverTests,
    concurrency: 2,
    timeoutMS: 30_000,
  },
  auth: {
    mutate: ['server/auth/**/*.ts', 'server/services/auth.ts'],
    vitestConfig: 'scripts/mutation/vitest-server.config.ts',
    tsconfig: 'scripts/mutation/tsconfig.server.json',
    tests: serverTests,
    concurrency: 2,
    timeoutMS: 30_000,
  },
}

function optionsFor(name: string, area: Area, flags: Flags): PartialStrykerOptions {
  return {
    mutate: flags.mutate ?? [...area.mutate],
    testRunner: 'vitest',
    vitest: { configFile: area.vitestConfig },
    testFiles: [...area.tests],
    coverageAnalysis: 'perTest',
    // A mutant of a module-level constant runs only at load: testing it needs every test of the
    // area in a fresh process (minutes each here), so such mutants are left out of the score.
    ignoreStatic: true,
    checkers: ['typescript'],
    tsconfigFile: area.tsconfig,
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    concurrency: flags.concurrency ?? area.concurrency,
    timeoutMS: area.timeoutMS,
    timeoutFactor: 2,
    dryRunTimeoutMinutes: 30,
    incremental: true,
    incrementalFile: `reports/mutation/${name}.incremental.json`,
    force: flags.force,
    dryRunOnly: flags.dryRunOnly,
    // Not needed by any test; copying them into each sandbox only costs time (another area's
    // sandbox included: Stryker leaves out only its own).
    ignorePatterns: [
      '/.stryker-tmp',
      '/web/build',
      '/docs',
      '/data',
      '/bench/results*.json',
      '/.artifacts',
      '/scratch',
    ],
    reporters: ['clear-text', 'progress', 'html', 'json'],
    htmlReporter: { fileName: `reports/mutation/${name}/index.html` },
    jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
    clearTextReporter: { allowEmojis: false, logTests: false },
    tempDirName: `.stryker-tmp/${name}`,
  }
}

interface Flags {
  force: boolean
  concurrency: number | undefined
  mutate: string[] | undefined
  dryRunOnly: boolean
}

/** Killed and timed-out mutants over every mutant a test could have caught (Stryker's score). */
function score(results: readonly MutantResult[]) {
  const count = (...statuses: string[]) => results.filter((r) => statuses.includes(r.status)).length
  const detected = count('Killed', 'Timeout')
  const undetected = count('Survived', 'NoCoverage')
  const total = detected + undetected
  return { detected, undetected, total, score: total === 0 ? 1 : detected / total }
}

const args = process.argv.slice(2)
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const flags: Flags = {
  force: args.includes('--force'),
  concurrency: flag('concurrency') === undefined ? undefined : Number(flag('concurrency')),
  mutate: flag('mutate')?.split(','),
  dryRunOnly: args.includes('--dry-run-only'),
}
const chosen = args.filter((a) => !a.startsWith('--'))
const unknown = chosen.filter((a) => !(a in areas))
if (unknown.length > 0) {
  console.error(`Unknown area ${unknown.join(', ')}; the areas are ${Object.keys(areas).join(', ')}`)
  process.exit(2)
}

const summary: string[] = []
for (const name of chosen.length > 0 ? chosen : Object.keys(areas)) {
  const started = performance.now()
  const results = await new Stryker(optionsFor(name, areas[name]!, flags)).runMutationTest()
  const minutes = (performance.now() - started) / 60_000
  const s = score(results)
  summary.push(
    flags.dryRunOnly
      ? `${name}: the instrumented test run only, ${minutes.toFixed(1)} min`
      : `${name}: ${(s.score * 100).toFixed(2)} % (${s.detected} of ${s.total} detected) in ${minutes.toFixed(1)} min`,
  )
}
console.log(`\nMutation scores:\n${summary.map((l) => `  ${l}`).join('\n')}`)
