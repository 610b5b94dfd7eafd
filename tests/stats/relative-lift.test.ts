import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { relativeLift } from '../../stats/relative-lift.ts'
import type { ArmCounts } from '../../stats/types.ts'
import { describeCounts, expectCloseTo, loadFixture } from './helpers/reference.ts'
import { arbitraryCounts } from './helpers/arbitraries.ts'

const fixture = loadFixture<ArmCounts, { confidence: number }>('relative-lift')

describe('relativeLift', () => {
  // statsmodels confint_proportions_2indep(xt, nt, xc, nc, method='log', compare='ratio') − 1
  it.each(fixture.cases.map((c) => [describeCounts(c.input), c] as const))(
    'matches statsmodels for %s',
    (_n, c) => {
      expectCloseTo(relativeLift(c.input, c.options!.confidence), c.expected, 1e-9, 1e-15)
    },
  )

  it('has no lift and says why when the control has no conversions', () => {
    const counts = { treatment: { deals: 20, conversions: 4 }, control: { deals: 20, conversions: 0 } }
    expect(relativeLift(counts)).toEqual({
      estimate: null,
      interval: null,
      reason: 'control_has_no_conversions',
    })
  })

  it('gives a lift of −100 % without an interval when the treatment has no conversions', () => {
    const counts = { treatment: { deals: 20, conversions: 0 }, control: { deals: 20, conversions: 3 } }
    expect(relativeLift(counts)).toEqual({
      estimate: -1,
      interval: null,
      reason: 'treatment_has_no_conversions',
    })
  })

  it('contains its estimate', () => {
    fc.assert(
      fc.property(arbitraryCounts(300, 1), (counts) => {
        const { estimate, interval } = relativeLift(counts)
        if (interval === null) return
        expect(interval[0]).toBeLessThanOrEqual(estimate! * (1 + 1e-12) + 1e-12)
        expect(interval[1]).toBeGreaterThanOrEqual(estimate! * (1 - 1e-12) - 1e-12)
        expect(interval[0]).toBeGreaterThanOrEqual(-1)
      }),
    )
  })
})
