import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  achievedPower,
  minimumDetectableEffect,
  powerAnalysis,
  requiredControlDeals,
  sampleSize,
  type PlanAlternative,
} from '../../stats/power.ts'
import { StatsInputError } from '../../stats/errors.ts'
import { expectCloseTo, loadFixture } from './helpers/reference.ts'

type Input = {
  baselineRate: number
  minimumDetectableEffect: number
  alpha: number
  power: number
  treatmentShare: number
  alternative: PlanAlternative
  control: number
  treatment: number
}
const fixture = loadFixture<Input>('power')
const name = (i: Input): string =>
  `p=${i.baselineRate} Δ=${i.minimumDetectableEffect} share=${i.treatmentShare} ${i.alternative} α=${i.alpha}`

describe('power and sample size', () => {
  // R: power.prop.test(p1, p2, sig.level, power, alternative, tol = 1e-14) for equal arms;
  // the generalised formula evaluated in R (uniroot, tol = 1e-15, for the MDE) for unequal arms.
  it.each(fixture.cases.map((c) => [name(c.input), c] as const))('matches R for %s', (_n, c) => {
    const i = c.input
    const design = { baselineRate: i.baselineRate, alpha: i.alpha, alternative: i.alternative }
    const ratio = i.treatmentShare / (1 - i.treatmentShare)
    const actual = {
      requiredControlDeals: requiredControlDeals({
        ...design,
        effect: i.minimumDetectableEffect,
        power: i.power,
        ratio,
      }),
      achievedPower: achievedPower({
        ...design,
        effect: i.minimumDetectableEffect,
        control: i.control,
        treatment: i.treatment,
      }),
      minimumDetectableEffect: minimumDetectableEffect({
        ...design,
        control: i.control,
        treatment: i.treatment,
        power: i.power,
      }).effect,
    }
    expectCloseTo(actual, c.expected, 1e-8)
  })

  it('rounds the smaller arm up and derives the larger one from the split', () => {
    // R: ceiling(power.prop.test(p1 = 0.15, p2 = 0.25, power = 0.8)$n) = 250
    expect(sampleSize({ baselineRate: 0.15, minimumDetectableEffect: 0.1 })).toEqual({
      control: 250,
      treatment: 250,
      total: 500,
    })
    const uneven = sampleSize({ baselineRate: 0.15, minimumDetectableEffect: 0.1, treatmentShare: 0.2 })
    expect(uneven.control).toBe(Math.ceil(uneven.treatment * 4 - 1e-9))
  })

  it('refuses a target rate outside (0, 1) and alpha outside (0, 1)', () => {
    expect(() => sampleSize({ baselineRate: 0.95, minimumDetectableEffect: 0.1 })).toThrow(StatsInputError)
    expect(() => sampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0.1, alpha: 1 })).toThrow(
      StatsInputError,
    )
  })

  it('says when no effect is detectable and when no effect was given', () => {
    expect(
      minimumDetectableEffect({
        baselineRate: 0.5,
        alpha: 0.05,
        alternative: 'two-sided',
        control: 2,
        treatment: 2,
      }),
    ).toEqual({
      effect: null,
      reason: 'effect_not_detectable',
    })
    expect(powerAnalysis({ baselineRate: 0.15, control: 150, treatment: 150 }).power).toBeNull()
    expect(powerAnalysis({ baselineRate: 0.15, control: 150, treatment: 150 }).reason).toBe('no_effect_given')
  })

  it('grows with the sample', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 100_000 }), fc.integer({ min: 1, max: 1000 }), (n, more) => {
        const design = { baselineRate: 0.15, alpha: 0.05, alternative: 'two-sided' as const, effect: 0.03 }
        const small = achievedPower({ ...design, control: n, treatment: n })
        const large = achievedPower({ ...design, control: n + more, treatment: n + more })
        expect(large).toBeGreaterThanOrEqual(small)
      }),
    )
  })
})
