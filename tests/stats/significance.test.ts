import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  betaBinomial,
  chiSquare2x2,
  fisherExact,
  newcombeDifference,
  recommendTest,
  relativeLift,
  significance,
  twoProportionZTest,
  wilsonInterval,
  StatsInputError,
} from '../../stats/index.ts'
import { arbitraryCounts, mirror } from './helpers/arbitraries.ts'

const practice = { treatment: { deals: 62, conversions: 17 }, control: { deals: 60, conversions: 9 } }

describe('significance', () => {
  it('returns the calculator’s shape, each part being the part’s own function', () => {
    const result = significance({ ...practice, confidence: 0.9 })
    expect(result).toEqual({
      control: { rate: 0.15, interval: wilsonInterval(9, 60, 0.9).interval, reason: null },
      treatment: { rate: 17 / 62, interval: wilsonInterval(17, 62, 0.9).interval, reason: null },
      difference: newcombeDifference(practice, 0.9),
      relativeLift: relativeLift(practice, 0.9),
      fisher: fisherExact(practice, { confidence: 0.9 }),
      chiSquare: chiSquare2x2(practice),
      chiSquareYates: chiSquare2x2(practice, { correct: true }),
      zTest: twoProportionZTest(practice),
      bayes: betaBinomial(practice),
      recommended: 'fisher',
      pValue: fisherExact(practice).pValue,
      significant: false,
    })
  })

  it('makes Fisher and the z-test one-sided for "greater" but keeps the chi-square two-sided', () => {
    const result = significance({ ...practice, alternative: 'greater' })
    expect(result.fisher.pValue).toBe(fisherExact(practice, { alternative: 'greater' }).pValue)
    expect(result.zTest.pValue).toBe(twoProportionZTest(practice, 'greater').pValue)
    expect(result.chiSquare.pValue).toBe(chiSquare2x2(practice).pValue)
    expect(result.pValue).toBe(result.fisher.pValue)
  })

  it('recommends Fisher under 1000 deals or an expected count under 5, chi-square otherwise', () => {
    expect(recommendTest(practice)).toBe('fisher')
    const large = { treatment: { deals: 800, conversions: 90 }, control: { deals: 800, conversions: 60 } }
    expect(recommendTest(large)).toBe('chiSquare')
    const rare = { treatment: { deals: 800, conversions: 3 }, control: { deals: 800, conversions: 2 } }
    expect(recommendTest(rare)).toBe('fisher')
    const result = significance(large)
    expect(result.pValue).toBe(result.chiSquare.pValue)
    expect(significance({ ...large, alternative: 'greater' }).pValue).toBe(
      twoProportionZTest(large, 'greater').pValue,
    )
  })

  it('marks the undefined parts null with reasons instead of throwing on empty arms', () => {
    const result = significance({
      treatment: { deals: 0, conversions: 0 },
      control: { deals: 0, conversions: 0 },
    })
    expect(result.control).toEqual({ rate: null, interval: null, reason: 'no_deals' })
    expect(result.difference.reason).toBe('no_deals')
    expect(result.chiSquare.reason).toBe('no_deals')
    expect(result.pValue).toBe(1)
    expect(result.significant).toBe(false)
  })

  it('handles one deal per arm and equal arms without throwing', () => {
    expect(
      significance({ treatment: { deals: 1, conversions: 1 }, control: { deals: 1, conversions: 0 } }).pValue,
    ).toBe(1)
    const equal = significance({
      treatment: { deals: 40, conversions: 8 },
      control: { deals: 40, conversions: 8 },
    })
    expect(equal.difference.estimate).toBe(0)
    expect(equal.bayes.probabilityTreatmentBetter).toBeCloseTo(0.5, 12)
  })

  it('refuses a confidence outside (0, 1) and an unknown alternative', () => {
    expect(() => significance({ ...practice, confidence: 95 })).toThrow(StatsInputError)
    expect(() => significance({ ...practice, alternative: 'less' as 'greater' })).toThrow(StatsInputError)
  })

  it('mirrors when the arms are swapped', () => {
    fc.assert(
      fc.property(arbitraryCounts(120, 1), (counts) => {
        const r = significance(counts)
        const s = significance(mirror(counts))
        expect(s.pValue).toBeCloseTo(r.pValue, 12)
        expect(s.bayes.probabilityTreatmentBetter).toBeCloseTo(1 - r.bayes.probabilityTreatmentBetter, 12)
        expect(s.difference.estimate).toBeCloseTo(-r.difference.estimate!, 12)
      }),
    )
  })
})
