import { fisherExact } from '../../stats/fisher.ts'
import { verdict, type VerdictInput } from '../../stats/verdict.ts'
import type { BenchContext } from '../lib/context.ts'
import { median, now } from '../lib/measure.ts'

const ROUNDS = 5

/** Calls `fn` in a tight loop for about `ms`; the mean time of one call in µs. */
function perCall(fn: () => unknown, ms: number): number {
  let calls = 0
  const started = now()
  let sink: unknown
  do {
    for (let i = 0; i < 10; i++) sink = fn()
    calls += 10
  } while (now() - started < ms)
  if (sink === undefined) throw new Error('no result')
  return ((now() - started) * 1000) / calls
}

function rounds(fn: () => unknown, ms: number): number[] {
  perCall(fn, ms) // warm-up: JIT
  return Array.from({ length: ROUNDS }, () => perCall(fn, ms))
}

const plan = {
  alpha: 0.05,
  power: 0.8,
  alternative: 'two-sided',
  controlShare: 0.5,
  targetDeals: 150,
  baselineRate: 0.15,
  expectedLift: 0.12,
} as const
const sample = (n: number, mean: number) => ({ n, sum: n * mean, sumSquares: n * (mean * mean + 250 * 250) })
const small: VerdictInput = {
  control: { deals: 75, conversions: 11 },
  treatment: { deals: 75, conversions: 19 },
  revenue: { control: sample(11, 900), treatment: sample(19, 950) },
  plan,
}
// A 5 % baseline: 3.75 expected conversions per arm, so the plan's primary analysis is the exact
// unconditional test, whose p-value and two intervals sum over 76² tables at each parameter tried.
const smallRates: VerdictInput = {
  control: { deals: 75, conversions: 3 },
  treatment: { deals: 75, conversions: 8 },
  plan: { ...plan, baselineRate: 0.05, expectedLift: 0.08 },
}
const large: VerdictInput = {
  control: { deals: 1_000_000, conversions: 150_000 },
  treatment: { deals: 1_000_000, conversions: 151_200 },
  revenue: { control: sample(150_000, 900), treatment: sample(151_200, 905) },
  plan: { ...plan, targetDeals: 2_000_000 },
}

/** Figure 5: stats/ on its own, no database. */
export async function statisticsFigure(ctx: BenchContext) {
  const cases: [string, () => unknown, number, string | null, number | null][] = [
    // The budget of the whole reading, the plan's primary analysis (score at this size) included.
    ['verdict, 150 deals', () => verdict(small), 300, '≤ 1 ms', 1000],
    // No budget: the exact analysis costs what its tables cost; the server keeps each verdict per
    // totals (server/services/verdict-cache.ts), so it is paid once per change of the data.
    ['verdict, 150 deals at 5 % (exact primary)', () => verdict(smallRates), 300, null, null],
    ['verdict, 10^6 deals per arm', () => verdict(large), 500, null, null],
    ['fisherExact, 10^6 deals per arm', () => fisherExact(large), 1000, '< 5 ms', 5000],
  ]
  for (const [name, fn, ms, goalText, budget] of cases) {
    const times = rounds(fn, ms)
    const m = median(times)
    ctx.report.add({
      figure: `stats: ${name}`,
      target: 'node',
      unit: 'µs',
      better: 'lower',
      product: m,
      rounds: times,
      ...(goalText ? { goal: { text: goalText, holds: m < budget! } } : {}),
    })
  }
}
