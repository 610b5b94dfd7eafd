import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fisherExact } from '../../stats/fisher.ts'
import { StatsInputError } from '../../stats/errors.ts'
import type { Alternative, ArmCounts } from '../../stats/types.ts'
import { describeCounts, expectCloseTo, loadFixture } from './helpers/reference.ts'
import { arbitraryCounts, mirror } from './helpers/arbitraries.ts'

const fixture = loadFixture<ArmCounts, { alternative: Alternative; confidence: number }>('fisher')

describe('fisherExact', () => {
  // R: fisher.test(matrix(c(tx, cx, tn - tx, cn - cx), 2), alternative, conf.level); the odds ratio
  // and its interval from fisher.test's own definitions solved to 1e-13 (scripts/reference/fisher.R).
  it.each(fixture.cases.map((c) => [`${describeCounts(c.input)}, ${c.options!.alternative}`, c] as const))(
    'matches R fisher.test for %s',
    (_name, c) => {
      // p-values are exact sums (1e-9); the odds ratio and its interval are roots (1e-8).
      const actual = fisherExact(c.input, c.options)
      const expected = c.expected as { pValue: number }
      expectCloseTo(actual.pValue, expected.pValue, 1e-9)
      expectCloseTo(actual, c.expected, 1e-8)
    },
  )

  // R: fisher.test(matrix(c(0, 3, 0, 7), 2)) → p = 1, odds ratio 0, conf.int c(0, Inf); the same for
  // no conversion and for every deal converted (the fixture holds these tables too).
  it('gives R’s p = 1, odds ratio 0 and [0, ∞] with a reason when an arm has no deals', () => {
    const result = fisherExact({
      treatment: { deals: 0, conversions: 0 },
      control: { deals: 10, conversions: 3 },
    })
    expect(result).toEqual({ pValue: 1, oddsRatio: 0, oddsRatioInterval: [0, Infinity], reason: 'no_deals' })
  })

  it('gives R’s p = 1, odds ratio 0 and [0, ∞] with a reason when nobody converted', () => {
    const result = fisherExact({
      treatment: { deals: 12, conversions: 0 },
      control: { deals: 10, conversions: 0 },
    })
    expect(result).toEqual({
      pValue: 1,
      oddsRatio: 0,
      oddsRatioInterval: [0, Infinity],
      reason: 'no_conversions',
    })
  })

  it('gives R’s p = 1, odds ratio 0 and [0, ∞] with a reason when everybody converted', () => {
    const result = fisherExact({
      treatment: { deals: 4, conversions: 4 },
      control: { deals: 1, conversions: 1 },
    })
    expect(result).toEqual({
      pValue: 1,
      oddsRatio: 0,
      oddsRatioInterval: [0, Infinity],
      reason: 'all_converted',
    })
  })

  it('refuses conversions above deals, negative and fractional counts', () => {
    const bad = [
      { treatment: { deals: 3, conversions: 4 }, control: { deals: 3, conversions: 1 } },
      { treatment: { deals: -1, conversions: 0 }, control: { deals: 3, conversions: 1 } },
      { treatment: { deals: 3.5, conversions: 1 }, control: { deals: 3, conversions: 1 } },
      { treatment: { deals: 3, conversions: NaN }, control: { deals: 3, conversions: 1 } },
    ]
    for (const counts of bad) expect(() => fisherExact(counts)).toThrow(StatsInputError)
  })

  it('computes 10^6 deals per arm at full precision (p-value against R)', () => {
    // R: fisher.test(matrix(c(501000, 500000, 499000, 500000), 2))$p.value
    const result = fisherExact({
      treatment: { deals: 1e6, conversions: 501000 },
      control: { deals: 1e6, conversions: 500000 },
    })
    expectCloseTo(result.pValue, 0.157714504788113, 1e-9)
  })

  it('keeps p-values in [0, 1] and the odds ratio inside its interval', () => {
    fc.assert(
      fc.property(
        arbitraryCounts(80),
        fc.constantFrom<Alternative>('two-sided', 'greater', 'less'),
        (counts, alternative) => {
          const r = fisherExact(counts, { alternative })
          expect(r.pValue).toBeGreaterThanOrEqual(0)
          expect(r.pValue).toBeLessThanOrEqual(1)
          expect(r.oddsRatioInterval[0]).toBeLessThanOrEqual(r.oddsRatio * (1 + 1e-9))
          expect(r.oddsRatioInterval[1]).toBeGreaterThanOrEqual(r.oddsRatio * (1 - 1e-9))
        },
      ),
    )
  })

  it('mirrors when the arms are swapped: same two-sided p, inverse odds ratio, greater ↔ less', () => {
    fc.assert(
      fc.property(arbitraryCounts(80), (counts) => {
        const r = fisherExact(counts)
        const s = fisherExact(mirror(counts))
        expect(s.pValue).toBeCloseTo(r.pValue, 12)
        expect(fisherExact(mirror(counts), { alternative: 'less' }).pValue).toBeCloseTo(
          fisherExact(counts, { alternative: 'greater' }).pValue,
          12,
        )
        if (r.reason === null && r.oddsRatio > 0 && Number.isFinite(r.oddsRatio)) {
          expect(s.oddsRatio * r.oddsRatio).toBeCloseTo(1, 9)
        }
      }),
    )
  })
})
