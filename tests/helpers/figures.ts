import { appendFileSync } from 'node:fs'
import { inject } from 'vitest'

/**
 * Records one figure of the run (requests fuzzed, matrix cells, faults survived, soak errors) to
 * be printed together when the whole run ends (tests/helpers/global-setup.ts), as well as now.
 */
export function recordFigure(line: string): void {
  console.log(line)
  appendFileSync(inject('figuresFile'), `${line}\n`)
}
