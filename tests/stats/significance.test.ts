import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  asEstimate,
  betaBinomial,
  checksOf,
  chiSquare2x2,
  fisherExact,
  newcombeDifference,
  primaryAnalysis,
  relativeLift,
  significance,
  twoProportionZTest,
  wilsonInterval,
  StatsInputError,
} from '../../stats/index.ts'
import { arbitraryCounts, mirror } from './helpers/arbitraries.ts'

const practice = { treatment: { deals: 62, conversions: 17 }, control: { deals: 60, conversions: 9 } }

describe('significance', () => {
  it('returns the calculator’s shape: the primary analysis, the arms, and the other methods as checks', () => {
    const result = significance({ ...practice, confidence: 0.9 })
    const primary = primaryAnalysis({ ...practice, method: 'score', alpha: 0.1 })
    expect(result).toEqual({
      control: { rate: 0.15, interval: wilsonInterval(9, 60, 0.9).interval, reason: null },
      treatment: { rate: 17 / 62, interval: wilsonInterval(17, 62, 0.9).interval, reason: null },
      primary,
      difference: asEstimate(primary.difference, null),
      relativeLift: asEstimate(primary.relativeLift, null),
      fisher: fisherExact(practice, { confidence: 0.9 }),
      chiSquare: chiSquare2x2(practice),
      chiSquareYates: chiSquare2x2(practice, { correct: true }),
      zTest: twoProportionZTest(practice),
      bayes: betaBinomial(practice),
      checks: checksOf(
        {
          fisher: fisherExact(practice, { confidence: 0.9 }),
          chiSquare: chiSquare2x2(practice),
          chiSquareYates: chiSquare2x2(practice, { correct: true }),
          zTest: twoProportionZTest(practice),
          newcombe: newcombeDifference(practice, 0.9),
          katz: relativeLift(practice, 0.9),
          bayes: betaBinomial(practice),
        },
        'score',
        'two-sided',
      ),
      recommended: 'chiSquare',
      pValue: primary.pValue,
      significant: primary.significant,
    })
  })

  it('takes p-value, significance and both intervals from the primary analysis, never from a check', () => {
    // The demo's decided test: Fisher p = 0.054 while Newcombe's interval excluded 0 and the
    // chi-square gave p = 0.036 — four answers. Now one.
    const demo = { treatment: { deals: 60, conversions: 20 }, control: { deals: 60, conversions: 10 } }
    for (const method of ['exact', 'score'] as const) {
      const result = significance({ ...demo, method })
      expect(result.primary.method).toBe(method)
      expect(result.pValue).toBe(result.primary.pValue)
      expect(result.significant).toBe(result.primary.pValue! < 0.05)
      const [lower] = result.difference.interval!
      expect(lower > 0).toBe(result.significant)
      expect(result.relativeLift.interval![0] > 0).toBe(result.significant)
      expect(result.recommended).toBe(method === 'exact' ? 'fisher' : 'chiSquare')
    }
  })

  it('makes the primary, Fisher and the z-test one-sided for "greater" but keeps the chi-square two-sided', () => {
    const result = significance({ ...practice, alternative: 'greater' })
    expect(result.fisher.pValue).toBe(fisherExact(practice, { alternative: 'greater' }).pValue)
    expect(result.zTest.pValue).toBe(twoProportionZTest(practice, 'greater').pValue)
    expect(result.chiSquare.pValue).toBe(chiSquare2x2(practice).pValue)
    expect(result.pValue).toBe(primaryAnalysis({ ...practice, alternative: 'greater' }).pValue)
    expect(result.difference.interval![1]).toBe(Infinity)
    expect(result.checks.find((c) => c.method === 'chiSquare')!.whyDifferent).toBe('same_test_two_sided')
  })

  it('runs the primary at alpha, by default 1 − confidence, and the checks at the confidence', () => {
    expect(significance({ ...practice, confidence: 0.9 }).primary.alpha).toBe(0.1)
    const both = significance({ ...practice, confidence: 0.9, alpha: 0.05 })
    expect(both.primary.alpha).toBe(0.05)
    expect(both.checks.find((c) => c.method === 'newcombe')!.interval).toEqual(
      newcombeDifference(practice, 0.9).interval,
    )
  })

  it('marks the undefined parts null with reasons instead of throwing on empty arms', () => {
    const result = significance({
      treatment: { deals: 0, conversions: 0 },
      control: { deals: 0, conversions: 0 },
    })
    expect(result.control).toEqual({ rate: null, interval: null, reason: 'no_deals' })
    expect(result.difference).toEqual({ estimate: null, interval: null, reason: 'no_deals' })
    expect(result.chiSquare.reason).toBe('no_deals')
    expect(result.pValue).toBeNull()
    expect(result.primary.reason).toBe('no_deals')
    expect(result.significant).toBe(false)
  })

  it('handles one deal per arm and equal arms without throwing', () => {
    const one = significance({
      treatment: { deals: 1, conversions: 1 },
      control: { deals: 1, conversions: 0 },
    })
    // exact: the tables 1/1 vs 0/1 and 0/1 vs 1/1 have probability 2π(1 − π), at most ½
    expect(one.primary.method).toBe('exact')
    expect(one.pValue).toBeCloseTo(0.5, 12)
    const equal = significance({
      treatment: { deals: 40, conversions: 8 },
      control: { deals: 40, conversions: 8 },
    })
    expect(equal.difference.estimate).toBe(0)
    expect(equal.bayes.probabilityTreatmentBetter).toBeCloseTo(0.5, 12)
  })

  it('refuses a confidence or alpha outside (0, 1), an unknown alternative or method', () => {
    expect(() => significance({ ...practice, confidence: 95 })).toThrow(StatsInputError)
    expect(() => significance({ ...practice, alpha: 0 })).toThrow(StatsInputError)
    expect(() => significance({ ...practice, alternative: 'less' as 'greater' })).toThrow(StatsInputError)
    expect(() => significance({ ...practice, method: 'fisher' as 'exact' })).toThrow(StatsInputError)
  })

  it('mirrors when the arms are swapped (score primary)', () => {
    fc.assert(
      fc.property(arbitraryCounts(120, 1), (counts) => {
        const r = significance({ ...counts, method: 'score' })
        const s = significance({ ...mirror(counts), method: 'score' })
        expect(s.pValue).toBeCloseTo(r.pValue!, 12)
        expect(s.bayes.probabilityTreatmentBetter).toBeCloseTo(1 - r.bayes.probabilityTreatmentBetter, 12)
        expect(s.difference.estimate).toBeCloseTo(-r.difference.estimate!, 12)
        expect(s.difference.interval![0]).toBeCloseTo(-r.difference.interval![1], 9)
      }),
    )
  })
})
