import { describe, expect, it } from 'vitest'
import { obrienFlemingBoundaries } from '../../stats/sequential.ts'
import { StatsInputError } from '../../stats/errors.ts'
import { expectCloseTo, loadFixture } from './helpers/reference.ts'

const fixture = loadFixture<{ alpha: number; informationFractions: number[] }>('sequential')
const cases = fixture.cases as ((typeof fixture.cases)[number] & { rpact: number[] })[]
const name = (c: (typeof cases)[number]): string =>
  `α = ${c.input.alpha} at ${c.input.informationFractions.map((t) => String(t)).join(', ')}`

describe('obrienFlemingBoundaries', () => {
  // The boundaries: an independent integration (composite Simpson with Richardson extrapolation,
  // scripts/reference/sequential.py, ~1e-11), first looks down to t = 0.001 and looks 0.01 apart
  // included. Cumulative alpha is closed form (R's pnorm).
  it.each(cases.map((c) => [name(c), c] as const))('matches the reference integration for %s', (_n, c) => {
    const actual = obrienFlemingBoundaries(c.input.alpha, c.input.informationFractions)
    const expected = c.expected as { cumulativeAlpha: number[]; boundaries: number[] }
    expectCloseTo(actual.cumulativeAlpha, expected.cumulativeAlpha, 1e-9)
    expectCloseTo(actual, expected, 1e-8)
  })

  // rpact: getDesignGroupSequential(kMax, alpha, sided = 2, typeOfDesign = "asOF", informationRates)$criticalValues.
  // rpact integrates to ~1e-7 where the looks are spread out (first at t ≥ 0.2, 0.1 or more apart:
  // held to 1e-6 there). With an early look or two looks close together it drifts (measured: up to
  // 2.9e-3 at α = 0.01, looks 0.08, 0.16, …), and where a look spends under ~1e-9 it gives Inf:
  // that is why the reference is the independent integration.
  it('agrees with rpact to rpact’s own precision', () => {
    for (const c of cases) {
      const t = c.input.informationFractions
      const spread = t[0]! >= 0.2 && t.every((v, i) => i === 0 || v - t[i - 1]! >= 0.1 - 1e-12)
      const actual = obrienFlemingBoundaries(c.input.alpha, t).boundaries
      c.rpact.forEach((value, i) => {
        if (!Number.isFinite(value)) return
        expectCloseTo(actual[i], value, spread ? 1e-6 : 5e-3, 0, `${name(c)}: look ${i + 1}`)
      })
    }
  })

  it('carries a first look at t = 0.001 without losing later looks (the first boundary capped at 40)', () => {
    const { boundaries } = obrienFlemingBoundaries(0.05, [0.001, 0.3, 1])
    expect(boundaries[0]).toBe(40)
    expectCloseTo(boundaries.slice(1), [3.9285725426260356, 1.9602228843945273], 1e-8)
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
