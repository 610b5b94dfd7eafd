// Measures jstat's distribution functions against R (tests/stats/fixtures/distributions.json) next
// to ours, to document why stats/ replaces them. Run: npx tsx scripts/reference/check-jstat.ts
import { readFileSync } from 'node:fs'
import jstatModule from 'jstat'
import * as ours from '../../stats/index.ts'

const { jStat } = jstatModule as unknown as { jStat: typeof jstatModule }
const fixture = JSON.parse(
  readFileSync(new URL('../../tests/stats/fixtures/distributions.json', import.meta.url), 'utf8'),
) as {
  cases: { input: { fn: string; args: number[] }; expected: number }[]
}

const implementations: Record<string, [(a: number[]) => number, (a: number[]) => number]> = {
  studentTQuantile: [([p, df]) => jStat.studentt.inv(p!, df!), ([p, df]) => ours.studentTQuantile(p!, df!)],
  studentTUpper: [([t, df]) => 1 - jStat.studentt.cdf(t!, df!), ([t, df]) => ours.studentTUpper(t!, df!)],
  normalCdf: [([z]) => jStat.normal.cdf(z!, 0, 1), ([z]) => ours.normalCdf(z!)],
  normalQuantile: [([p]) => jStat.normal.inv(p!, 0, 1), ([p]) => ours.normalQuantile(p!)],
  betaCdf: [([x, a, b]) => jStat.ibeta(x!, a!, b!), ([x, a, b]) => ours.betaTails(x!, a!, b!).lower],
  betaQuantile: [([p, a, b]) => jStat.ibetainv(p!, a!, b!), ([p, a, b]) => ours.betaQuantile(p!, a!, b!)],
  logGamma: [([x]) => jStat.gammaln(x!), ([x]) => ours.logGamma(x!)],
}

const worst: Record<string, { jstat: number; jstatAt: string; ours: number; oursAt: string }> = {}
const error = (value: number, expected: number): number =>
  expected === 0
    ? Math.abs(value)
    : Number.isFinite(value)
      ? Math.abs(value - expected) / Math.abs(expected)
      : Infinity
for (const c of fixture.cases) {
  const [theirs, mine] = implementations[c.input.fn]!
  const w = (worst[c.input.fn] ??= { jstat: 0, jstatAt: '', ours: 0, oursAt: '' })
  const at = c.input.args.join(', ')
  const e1 = error(theirs(c.input.args), c.expected)
  const e2 = error(mine(c.input.args), c.expected)
  if (!(e1 <= w.jstat)) Object.assign(w, { jstat: e1, jstatAt: at })
  if (e2 > w.ours) Object.assign(w, { ours: e2, oursAt: at })
}
for (const [fn, w] of Object.entries(worst)) {
  console.log(
    `${fn.padEnd(17)} worst relative error: jstat ${w.jstat.toExponential(2)} at (${w.jstatAt}); ours ${w.ours.toExponential(2)} at (${w.oursAt})`,
  )
}
