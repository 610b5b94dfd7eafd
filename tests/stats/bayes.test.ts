import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { betaBinomial, probabilityGreater, type Prior } from '../../stats/bayes.ts'
import { StatsInputError } from '../../stats/errors.ts'
import type { ArmCounts } from '../../stats/types.ts'
import { describeCounts, expectCloseTo, loadFixture } from './helpers/reference.ts'
import { arbitraryCounts, mirror } from './helpers/arbitraries.ts'

const fixture = loadFixture<ArmCounts, { prior: Prior }>('bayes')

describe('betaBinomial', () => {
  // mpmath at 40 digits: Evan Miller's closed form and size-biased losses (scripts/reference/bayes.py)
  it.each(
    fixture.cases.map(
      (c) =>
        [
          `${describeCounts(c.input)}, prior Beta(${c.options!.prior.alpha}, ${c.options!.prior.beta})`,
          c,
        ] as const,
    ),
  )('matches the closed form for %s', (_n, c) => {
    expectCloseTo(betaBinomial(c.input, c.options!.prior), c.expected, 1e-9, 1e-300)
  })

  it('integrates over the posterior mass when the closed form does not apply (10^6 deals at 50 %)', () => {
    // Integer parameters past the closed form's limits: quadrature against the swapped closed form
    // is not possible either, so check against the normal approximation's accuracy scale and
    // complementarity instead.
    const counts = {
      treatment: { deals: 1e6, conversions: 500_300 },
      control: { deals: 1e6, conversions: 500_000 },
    }
    const forward = probabilityGreater(500_301, 499_701, 500_001, 500_001)
    const backward = probabilityGreater(500_001, 500_001, 500_301, 499_701)
    expect(forward + backward).toBeCloseTo(1, 12)
    // Normal approximation: z = 300/√(2·10⁶·¼) ≈ 0.4243 → 0.66433; exact differs in the 5th digit.
    expect(betaBinomial(counts).probabilityTreatmentBetter).toBeCloseTo(0.66433, 4)
  })

  it('agrees between the closed form and the quadrature where both apply', () => {
    // Non-integer prior forces quadrature; a prior of 1 + 1e-12 is numerically the same model.
    const counts = { treatment: { deals: 62, conversions: 17 }, control: { deals: 60, conversions: 9 } }
    const exact = betaBinomial(counts)
    const integrated = betaBinomial(counts, { alpha: 1 + 1e-12, beta: 1 })
    expectCloseTo(integrated, exact, 1e-9)
  })

  it('gives one half and equal losses for empty arms', () => {
    const empty = { treatment: { deals: 0, conversions: 0 }, control: { deals: 0, conversions: 0 } }
    const result = betaBinomial(empty)
    expect(result.probabilityTreatmentBetter).toBeCloseTo(0.5, 14)
    expect(result.expectedLoss.treatment).toBeCloseTo(result.expectedLoss.control, 14)
  })

  it('refuses a non-positive prior', () => {
    const counts = { treatment: { deals: 5, conversions: 1 }, control: { deals: 5, conversions: 2 } }
    expect(() => betaBinomial(counts, { alpha: 0, beta: 1 })).toThrow(StatsInputError)
  })

  it('mirrors when the arms are swapped: P becomes 1 − P and the losses exchange', () => {
    fc.assert(
      fc.property(arbitraryCounts(150), (counts) => {
        const r = betaBinomial(counts)
        const s = betaBinomial(mirror(counts))
        expect(s.probabilityTreatmentBetter).toBeCloseTo(1 - r.probabilityTreatmentBetter, 12)
        expect(s.expectedLoss.treatment).toBeCloseTo(r.expectedLoss.control, 12)
        expect(r.probabilityTreatmentBetter).toBeGreaterThanOrEqual(0)
        expect(r.probabilityTreatmentBetter).toBeLessThanOrEqual(1)
      }),
    )
  })
})
