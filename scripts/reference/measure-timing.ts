// Times the calls the issue sets budgets for (verdict at 150 deals, Fisher at 10⁶ deals per arm).
// Not a test: timings depend on the machine. Run: npx tsx scripts/reference/measure-timing.ts
import {
  betaBinomial,
  fisherExact,
  minimumDetectableEffect,
  significance,
  summarize,
  verdict,
} from '../../stats/index.ts'
import type { Plan } from '../../stats/index.ts'

function time(label: string, run: () => unknown, repeat: number): void {
  for (let i = 0; i < Math.min(repeat, 50); i++) run()
  const start = performance.now()
  for (let i = 0; i < repeat; i++) run()
  const each = (performance.now() - start) / repeat
  console.log(`${label.padEnd(48)} ${each < 1 ? `${(each * 1000).toFixed(1)} µs` : `${each.toFixed(2)} ms`}`)
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
