import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { chiSquare2x2 } from '../../stats/chi-square.ts'
import { twoProportionZTest } from '../../stats/z-test.ts'
import type { ArmCounts } from '../../stats/types.ts'
import { describeCounts, expectCloseTo, loadFixture } from './helpers/reference.ts'
import { arbitraryCounts, mirror } from './helpers/arbitraries.ts'

const fixture = loadFixture<ArmCounts, { correct: boolean }>('chi-square')

describe('chiSquare2x2', () => {
  // R: chisq.test(matrix(c(tx, cx, tn - tx, cn - cx), 2), correct) — Yates with min(0.5, |O − E|)
  it.each(
    fixture.cases.map((c) => [`${describeCounts(c.input)}, correct = ${c.options!.correct}`, c] as const),
  )('matches R chisq.test for %s', (_n, c) => {
    expectCloseTo(chiSquare2x2(c.input, c.options), c.expected, 1e-9)
  })

  it('applies R’s Yates correction min(0.5, |O − E|), not a flat 0.5', () => {
    // R: chisq.test(matrix(c(5, 5, 5, 6), 2))$statistic is 0 since |O − E| = 0.238 < 0.5
    const counts = { treatment: { deals: 10, conversions: 5 }, control: { deals: 11, conversions: 5 } }
    expect(chiSquare2x2(counts, { correct: true }).statistic).toBe(0)
  })

  it('is undefined when nobody converted', () => {
    const counts = { treatment: { deals: 10, conversions: 0 }, control: { deals: 11, conversions: 0 } }
    expect(chiSquare2x2(counts)).toEqual({ statistic: null, pValue: null, reason: 'no_conversions' })
  })

  it('equals the square of the pooled z statistic and mirrors under swapping arms', () => {
    fc.assert(
      fc.property(arbitraryCounts(300, 1), (counts) => {
        const chi = chiSquare2x2(counts)
        const z = twoProportionZTest(counts)
        if (chi.statistic === null) return
        expect(chi.statistic).toBeCloseTo(z.z! ** 2, 9)
        expect(chiSquare2x2(mirror(counts), { correct: true }).statistic).toBeCloseTo(
          chiSquare2x2(counts, { correct: true }).statistic!,
          12,
        )
        expect(chi.pValue).toBeGreaterThanOrEqual(0)
        expect(chi.pValue).toBeLessThanOrEqual(1)
      }),
    )
  })
})
