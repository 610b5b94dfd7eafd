import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { agrestiCaffoDifference, newcombeDifference, waldDifference } from '../../stats/difference.ts'
import type { ArmCounts } from '../../stats/types.ts'
import { describeCounts, expectCloseTo, loadFixture } from './helpers/reference.ts'
import { arbitraryCounts, mirror } from './helpers/arbitraries.ts'

const methods = [
  // statsmodels confint_proportions_2indep(xt, nt, xc, nc, method='newcomb'|'wald'|'agresti-caffo', compare='diff')
  ['newcombe', newcombeDifference],
  ['wald', waldDifference],
  ['agresti-caffo', agrestiCaffoDifference],
] as const

describe.each(methods)('%s difference', (name, difference) => {
  const fixture = loadFixture<ArmCounts, { confidence: number }>(name)
  it.each(fixture.cases.map((c) => [describeCounts(c.input), c] as const))(
    'matches statsmodels for %s',
    (_n, c) => {
      expectCloseTo(difference(c.input, c.options!.confidence), c.expected, 1e-9, 1e-15)
    },
  )

  it('is undefined when an arm has no deals', () => {
    const counts = { treatment: { deals: 0, conversions: 0 }, control: { deals: 5, conversions: 1 } }
    expect(difference(counts)).toEqual({ estimate: null, interval: null, reason: 'no_deals' })
  })

  it('mirrors when the arms are swapped', () => {
    fc.assert(
      fc.property(arbitraryCounts(200, 1), (counts) => {
        const r = difference(counts)
        const s = difference(mirror(counts))
        expect(s.estimate!).toBeCloseTo(-r.estimate!, 12)
        expect(s.interval![0]).toBeCloseTo(-r.interval![1], 12)
        expect(s.interval![1]).toBeCloseTo(-r.interval![0], 12)
      }),
    )
  })
})

describe('newcombeDifference', () => {
  it('contains its estimate and stays inside [−1, 1]', () => {
    fc.assert(
      fc.property(arbitraryCounts(500, 1), (counts) => {
        const { estimate, interval } = newcombeDifference(counts)
        expect(interval![0]).toBeLessThanOrEqual(estimate! + 1e-12)
        expect(interval![1]).toBeGreaterThanOrEqual(estimate! - 1e-12)
        expect(interval![0]).toBeGreaterThanOrEqual(-1 - 1e-12)
        expect(interval![1]).toBeLessThanOrEqual(1 + 1e-12)
      }),
    )
  })
})
