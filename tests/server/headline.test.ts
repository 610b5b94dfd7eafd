import { describe, expect, it } from 'vitest'
import type { TestPlan } from '../../db/tables/index.ts'
import { analysisPlan, verdictFor } from '../../server/services/analysis.ts'
import { headlineOf, suggestCloseOut } from '../../server/services/close-out.ts'

const plan: TestPlan = {
  controlShare: 0.5,
  targetDeals: 400,
  alpha: 0.05,
  power: 0.8,
  alternative: 'two-sided',
  minDurationDays: 0,
  maxDurationDays: 180,
  interimLooks: 0,
  assignmentMethod: 'hash',
  blockSize: 4,
  primaryMethod: 'score',
}

const noRevenue = { n: 0, sum: 0, sumSquares: 0 }
const arm = (deals: number, conversions: number) => ({ deals, conversions, late: 0, revenue: noRevenue })

/** The headline and the primary analysis of `control` vs `treatment` under a plan expecting +10 points from 20 %. */
function read(control: [number, number], treatment: [number, number], final: boolean, changes = {}) {
  const analysis = analysisPlan({ ...plan, ...changes }, { baseline_rate: 0.2, expected_lift: 0.1 })
  const { verdict } = verdictFor(analysis, { control: arm(...control), treatment: arm(...treatment) }, final)
  return { headline: headlineOf(verdict, final, analysis.power), verdict, power: analysis.power }
}

describe('the headline reads the primary analysis only', () => {
  it('says which way a significant result goes, final or not', () => {
    // 200/40 vs 200/70: score p ≈ 0.0007
    expect(read([200, 40], [200, 70], true).headline).toBe('significant_rise')
    expect(read([200, 70], [200, 40], true).headline).toBe('significant_fall')
    expect(read([200, 40], [200, 70], false).headline).toBe('significant_rise')
  })

  it('says "collecting" for an unfinished test without a significant result, whatever the data lean', () => {
    // 30/4 vs 30/10: the data lean (p ≈ 0.07) but the test is not final
    expect(read([30, 4], [30, 10], false).headline).toBe('collecting')
  })

  it('tells "no effect" from "not proven" by the achieved power against the planned one', () => {
    // 400 + 400 deals have ≈ 0.88 power for +10 points from 20 %: a flat result is a negative one
    const flat = read([400, 80], [400, 84], true)
    expect(flat.verdict.power.achieved).toBeGreaterThanOrEqual(flat.power)
    expect(flat.headline).toBe('no_effect')
    // the same rates on 60 + 60 deals had far less: not proven either way
    const small = read([60, 12], [60, 13], true)
    expect(small.verdict.power.achieved).toBeLessThan(small.power)
    expect(small.headline).toBe('not_proven')
    // at a planned power just above the achieved one, the same flat result is not proven
    const demanding = read([400, 80], [400, 84], true, { power: flat.verdict.power.achieved! + 1e-9 })
    expect(demanding.headline).toBe('not_proven')
  })

  it('says "no data" until both arms have deals', () => {
    expect(read([0, 0], [10, 3], true).headline).toBe('no_data')
    expect(read([10, 3], [0, 0], false).headline).toBe('no_data')
  })

  it('agrees with the close-out suggestion on every final table of a small grid', () => {
    const expected: Record<string, string> = {
      significant_rise: 'supported',
      significant_fall: 'refuted',
      no_effect: 'refuted',
      not_proven: 'inconclusive',
    }
    for (const n of [20, 80, 200])
      for (let c = 0; c <= n; c += n / 10)
        for (let t = 0; t <= n; t += n / 10) {
          const { headline, verdict, power } = read([n, c], [n, t], true)
          expect(headline).not.toBe('collecting')
          if (headline === 'no_data') continue
          expect(suggestCloseOut(verdict, power).outcome).toBe(expected[headline])
          expect(headline.startsWith('significant')).toBe(verdict.significant === true)
        }
  })
})
