import { describe, it } from 'vitest'
import { normalCdf, normalQuantile } from '../../stats/distributions/normal.ts'
import { studentTQuantile, studentTUpper } from '../../stats/distributions/student-t.ts'
import { betaQuantile, betaTails } from '../../stats/distributions/beta.ts'
import { logGamma } from '../../stats/distributions/log-gamma.ts'
import { expectCloseTo, loadFixture } from './helpers/reference.ts'

const functions: Record<string, (...args: number[]) => number> = {
  studentTQuantile: (p, df) => studentTQuantile(p!, df!),
  studentTUpper: (t, df) => studentTUpper(t!, df!),
  normalCdf: (z) => normalCdf(z!),
  normalQuantile: (p) => normalQuantile(p!),
  betaCdf: (x, a, b) => betaTails(x!, a!, b!).lower,
  betaQuantile: (p, a, b) => betaQuantile(p!, a!, b!),
  logGamma: (x) => logGamma(x!),
}

const fixture = loadFixture<{ fn: string; args: number[] }, never, number>('distributions')

describe('distribution functions', () => {
  // R: qt, pt, pnorm, qnorm, pbeta, qbeta, lgamma. The t quantile at fractional df is held to
  // 1e-10 as the issue asks (measured worst: ~1e-11 at df = 2e6).
  it.each(fixture.cases.map((c) => [`${c.input.fn}(${c.input.args.join(', ')})`, c] as const))(
    'matches R: %s',
    (_n, c) => {
      // lgamma near its zeros at 1 and 2 is held to 1e-14 absolute
      expectCloseTo(
        functions[c.input.fn]!(...c.input.args),
        c.expected,
        1e-10,
        c.input.fn === 'logGamma' ? 1e-14 : 1e-300,
      )
    },
  )
})
