import { describe, expect, it } from 'vitest'
import { obrienFlemingBoundaries } from '../../stats/sequential.ts'
import { StatsInputError } from '../../stats/errors.ts'
import { expectCloseTo, loadFixture } from './helpers/reference.ts'

const fixture = loadFixture<{ alpha: number; informationFractions: number[] }>('sequential')

describe('obrienFlemingBoundaries', () => {
  // rpact: getDesignGroupSequential(kMax, alpha, sided = 2, typeOfDesign = "asOF", informationRates)$criticalValues;
  // rpact integrates to ~1e-7 (measured: 1.4e-7 relative at α = 0.01, first look at t = 0.2), so the
  // boundaries are compared at 1e-6. Cumulative alpha is closed form (1e-9).
  it.each(
    fixture.cases.map(
      (c) =>
        [
          `α = ${c.input.alpha} at ${c.input.informationFractions.map((t) => t.toFixed(2)).join(', ')}`,
          c,
        ] as const,
    ),
  )('matches rpact for %s', (_n, c) => {
    const actual = obrienFlemingBoundaries(c.input.alpha, c.input.informationFractions)
    const expected = c.expected as { cumulativeAlpha: number[]; boundaries: number[] }
    expectCloseTo(actual.cumulativeAlpha, expected.cumulativeAlpha, 1e-9)
    expectCloseTo(actual, expected, 1e-6)
  })

  it('gives the textbook four equal looks at α = 0.05: 4.333, 2.963, 2.359, 2.014', () => {
    const { boundaries } = obrienFlemingBoundaries(0.05, [0.25, 0.5, 0.75, 1])
    expect(boundaries.map((b) => Number(b.toFixed(3)))).toEqual([4.333, 2.963, 2.359, 2.014])
  })

  it('refuses fractions that do not increase within (0, 1]', () => {
    expect(() => obrienFlemingBoundaries(0.05, [0.5, 0.5])).toThrow(StatsInputError)
    expect(() => obrienFlemingBoundaries(0.05, [0.5, 1.2])).toThrow(StatsInputError)
    expect(() => obrienFlemingBoundaries(0.05, [])).toThrow(StatsInputError)
  })
})
