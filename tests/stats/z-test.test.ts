import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { twoProportionZTest } from '../../stats/z-test.ts'
import type { Alternative, ArmCounts } from '../../stats/types.ts'
import { describeCounts, expectCloseTo, loadFixture } from './helpers/reference.ts'
import { arbitraryCounts, mirror } from './helpers/arbitraries.ts'

const fixture = loadFixture<ArmCounts, { alternative: Alternative }>('z-test')

describe('twoProportionZTest', () => {
  // R: prop.test(c(xt, xc), c(nt, nc), correct = FALSE) gives z²; one-sided p = pnorm(z, lower.tail = FALSE)
  it.each(fixture.cases.map((c) => [`${describeCounts(c.input)}, ${c.options!.alternative}`, c] as const))(
    'matches R prop.test for %s',
    (_n, c) => {
      expectCloseTo(twoProportionZTest(c.input, c.options!.alternative), c.expected, 1e-9)
    },
  )

  it('is undefined when every deal converted', () => {
    const counts = { treatment: { deals: 3, conversions: 3 }, control: { deals: 4, conversions: 4 } }
    expect(twoProportionZTest(counts)).toEqual({ z: null, pValue: null, reason: 'all_converted' })
  })

  it('mirrors when the arms are swapped: z changes sign, greater becomes less', () => {
    fc.assert(
      fc.property(arbitraryCounts(300, 1), (counts) => {
        const r = twoProportionZTest(counts, 'greater')
        const s = twoProportionZTest(mirror(counts), 'less')
        if (r.z === null) return
        expect(s.z).toBeCloseTo(-r.z, 12)
        expect(s.pValue).toBeCloseTo(r.pValue!, 12)
      }),
    )
  })
})
