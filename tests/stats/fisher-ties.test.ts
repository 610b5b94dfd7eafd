import { describe, expect, it } from 'vitest'
import { fisherExact } from '../../stats/fisher.ts'
import { expectCloseTo } from './helpers/reference.ts'

describe('fisherExact on tables whose probabilities tie', () => {
  // Treatment 1/6 against control 9/11: P(X = 1) and P(X = 6) are the same number, 0.0169683…,
  // which the recurrence from the mode reaches by different roundings. R counts both (relative
  // tolerance 1 + 1e-7): fisher.test(matrix(c(1, 9, 5, 2), 2))$p.value = 0.0345; summing only
  // the tables at most exactly as likely gives 0.0175. Full-precision values from SciPy 1.17:
  // fisher_exact([[1, 5], [9, 2]]).pvalue, and contingency.odds_ratio([[1, 5], [9, 2]])'s
  // conditional MLE with confidence_interval(0.95).
  it('counts the tied table in the two-sided p, as R does (p = 0.0345, not 0.0175)', () => {
    const result = fisherExact({
      treatment: { deals: 6, conversions: 1 },
      control: { deals: 11, conversions: 9 },
    })
    expectCloseTo(result.pValue, 0.034502262443438916, 1e-9)
    expectCloseTo(
      result,
      {
        pValue: 0.034502262443438916,
        oddsRatio: 0.0576693346932843,
        oddsRatioInterval: [0.0008492790309570479, 0.8673529243846553],
        reason: null,
      },
      1e-8,
    )
  })

  it('gives the same p with the arms swapped, the tie now on the other side of the mode', () => {
    const result = fisherExact({
      treatment: { deals: 11, conversions: 9 },
      control: { deals: 6, conversions: 1 },
    })
    expectCloseTo(result.pValue, 0.034502262443438916, 1e-9)
    expect(result.reason).toBeNull()
  })
})
