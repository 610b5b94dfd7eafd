// Times the calls the issue sets budgets for (verdict at 150 deals, Fisher at 10⁶ deals per arm).
// Not a test: timings depend on the machine. Run: npx tsx scripts/reference/measure-timing.ts
import {
  betaBinomial,
  fisherExact,
  minimumDetectableEffect,
  obrienFlemingBoundaries,
  primaryAnalysis,
  significance,
  summarize,
  verdict,
} from '../../stats/index.ts'
import type { Plan } from '../../stats/index.ts'

// Wall time and this process's CPU time: on a machine shared with other work the CPU time is the
// steadier figure.
function time(label: string, run: () => unknown, repeat: number): void {
  for (let i = 0; i < Math.min(repeat, 50); i++) run()
  const start = performance.now()
  const cpu = process.cpuUsage()
  for (let i = 0; i < repeat; i++) run()
  const each = (performance.now() - start) / repeat
  const used = process.cpuUsage(cpu)
  const cpuEach = (used.user + used.system) / 1000 / repeat
  const show = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`)
  console.log(`${label.padEnd(56)} ${show(each).padStart(10)}   cpu ${show(cpuEach)}`)
}

const plan: Plan = {
  alpha: 0.05,
  power: 0.8,
  alternative: 'two-sided',
  controlShare: 0.5,
  targetDeals: 300,
  expectedLift: 0.1,
}
const small = { control: { deals: 75, conversions: 11 }, treatment: { deals: 75, conversions: 20 } }
const revenue = {
  control: Array.from({ length: 75 }, (_, i) => 1000 + ((i * 13) % 97)),
  treatment: Array.from({ length: 75 }, (_, i) => 1100 + ((i * 17) % 89)),
}
const million = (rate: number, lift: number) => ({
  control: { deals: 1e6, conversions: Math.round(1e6 * rate) },
  treatment: { deals: 1e6, conversions: Math.round(1e6 * (rate + lift)) },
})

time('verdict, 150 deals', () => verdict({ ...small, plan }), 5000)
time('verdict, 150 deals, raw revenue', () => verdict({ ...small, plan, revenue }), 5000)
time(
  'verdict, 150 deals, look 2 of 4 (boundaries cached)',
  () => verdict({ ...small, plan: { ...plan, interimLooks: 4, lookNumber: 2 } }),
  5000,
)
time('  significance, 150 deals', () => significance(small), 5000)
time('  primaryAnalysis score, 75 + 75 deals', () => primaryAnalysis({ ...small, method: 'score' }), 5000)
time(
  '  primaryAnalysis score, greater, 75 + 75',
  () => primaryAnalysis({ ...small, method: 'score', alternative: 'greater' }),
  5000,
)
time('  primaryAnalysis exact, 75 + 75 deals', () => primaryAnalysis({ ...small, method: 'exact' }), 10)
time(
  '  primaryAnalysis exact, greater, 75 + 75',
  () => primaryAnalysis({ ...small, method: 'exact', alternative: 'greater' }),
  10,
)
time(
  '  primaryAnalysis exact, 20 + 20 deals',
  () =>
    primaryAnalysis({
      treatment: { deals: 20, conversions: 12 },
      control: { deals: 20, conversions: 5 },
      method: 'exact',
    }),
  20,
)
time(
  '  primaryAnalysis exact, 200 + 200 at 2 %',
  () =>
    primaryAnalysis({
      treatment: { deals: 200, conversions: 7 },
      control: { deals: 200, conversions: 2 },
      method: 'exact',
    }),
  3,
)
time(
  '  primaryAnalysis exact, 40 + 1000 (beyond the size limit: score)',
  () =>
    primaryAnalysis({
      treatment: { deals: 40, conversions: 3 },
      control: { deals: 1000, conversions: 20 },
      method: 'exact',
    }),
  200,
)
time(
  '  minimum detectable effect, 150 deals',
  () =>
    minimumDetectableEffect({
      baselineRate: 0.15,
      alpha: 0.05,
      alternative: 'two-sided',
      control: 75,
      treatment: 75,
    }),
  5000,
)
const v = verdict({ ...small, plan })
time('  summary (en + ru)', () => summarize(v, small), 5000)
time('fisherExact, 10⁶ per arm at 0.1 %', () => fisherExact(million(0.001, 0.00015)), 200)
time('fisherExact, 10⁶ per arm at 50 %', () => fisherExact(million(0.5, 0.001)), 50)
time('betaBinomial, 10⁶ per arm at 0.1 %', () => betaBinomial(million(0.001, 0.00015)), 20)
time('verdict, 10⁶ per arm at 0.1 %', () => verdict({ ...million(0.001, 0.00015), plan }), 20)
time('verdict, 10⁶ per arm at 50 %', () => verdict({ ...million(0.5, 0.001), plan }), 10)
time(
  'verdict, 150 deals, exact primary',
  () => verdict({ ...small, plan: { ...plan, primaryMethod: 'exact' } }),
  10,
)
time('obrienFlemingBoundaries, first look at 0.3 %', () => obrienFlemingBoundaries(0.05, [0.0034, 0.5, 1]), 5)
time(
  'obrienFlemingBoundaries, looks at 1 %, 2 %, … 5 %, 100 %',
  () => obrienFlemingBoundaries(0.05, [0.01, 0.02, 0.03, 0.04, 0.05, 1]),
  3,
)
