import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { welchTTest } from '../../stats/welch.ts'
import { compareRevenue } from '../../stats/revenue.ts'
import { StatsInputError } from '../../stats/errors.ts'
import type { Alternative } from '../../stats/types.ts'
import { expectCloseTo, loadFixture } from './helpers/reference.ts'

type Input = { treatment: number[]; control: number[] }
const fixture = loadFixture<Input, { alternative: Alternative; confidence: number }>('welch')
const name = (c: { input: Input; options?: { alternative: Alternative } }): string =>
  `${c.input.treatment.length} vs ${c.input.control.length} values, ${c.options!.alternative}`

function summary(values: readonly number[]): { mean: number; sd: number; n: number } {
  const n = values.length
  const mean = values.reduce((s, v) => s + v, 0) / n
  return { mean, sd: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)), n }
}

function sums(values: readonly number[]): { n: number; sum: number; sumSquares: number } {
  return {
    n: values.length,
    sum: values.reduce((s, v) => s + v, 0),
    sumSquares: values.reduce((s, v) => s + v * v, 0),
  }
}

describe('welchTTest', () => {
  // R: t.test(treatment, control, var.equal = FALSE, alternative, conf.level)
  it.each(fixture.cases.map((c) => [name(c), c] as const))(
    'matches R t.test from raw values: %s',
    (_n, c) => {
      expectCloseTo(welchTTest(c.input.treatment, c.input.control, c.options), c.expected, 1e-9)
    },
  )

  it.each(fixture.cases.map((c) => [name(c), c] as const))(
    'matches R t.test from summaries {mean, sd, n}: %s',
    (_n, c) => {
      expectCloseTo(
        welchTTest(summary(c.input.treatment), summary(c.input.control), c.options),
        c.expected,
        1e-9,
      )
    },
  )

  it.each(fixture.cases.map((c) => [name(c), c] as const))(
    'matches R t.test from SQL sums {n, sum, sumSquares}: %s',
    (_n, c) => {
      // sumSquares − sum²/n cancels digits: revenue around 5·10⁴ with spread 8·10³ loses ~2 of 16
      expectCloseTo(welchTTest(sums(c.input.treatment), sums(c.input.control), c.options), c.expected, 1e-7)
    },
  )

  it('is undefined with a single value in an arm', () => {
    expect(welchTTest([5], [1, 2, 3])).toEqual({
      estimate: null,
      interval: null,
      t: null,
      df: null,
      pValue: null,
      reason: 'too_few_values',
    })
  })

  it('gives the difference but no test when both arms are constant', () => {
    expect(welchTTest([5, 5, 5], [3, 3])).toEqual({
      estimate: 2,
      interval: null,
      t: null,
      df: null,
      pValue: null,
      reason: 'zero_variance',
    })
  })

  it('refuses NaN values and negative spreads', () => {
    expect(() => welchTTest([1, NaN], [1, 2])).toThrow(StatsInputError)
    expect(() => welchTTest({ mean: 1, sd: -1, n: 4 }, [1, 2])).toThrow(StatsInputError)
  })

  it('mirrors when the arms are swapped', () => {
    // revenue in cents: whole numbers
    const sample = fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 2, maxLength: 40 })
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const r = welchTTest(a, b)
        const s = welchTTest(b, a)
        if (r.t === null) return
        expect(s.t).toBeCloseTo(-r.t, 9)
        expect(s.pValue).toBeCloseTo(r.pValue!, 12)
        expect(r.pValue).toBeGreaterThanOrEqual(0)
        expect(r.pValue).toBeLessThanOrEqual(1)
      }),
    )
  })
})

describe('compareRevenue', () => {
  it('returns the revenue calculator’s shape, with Mann-Whitney only for raw values', () => {
    const withValues = compareRevenue({ treatment: [12, 15, 11, 19, 14], control: [10, 9, 13, 8, 11] })
    expect(Object.keys(withValues).sort()).toEqual(['difference', 'mannWhitney', 'reason', 'welch'])
    expect(withValues.mannWhitney).not.toBeNull()
    // R: wilcox.test(c(12,15,11,19,14), c(10,9,13,8,11), exact = FALSE, correct = TRUE)
    expectCloseTo(withValues.mannWhitney, { w: 22.5, pValue: 0.0465329850745106 }, 1e-9)
    const fromSummaries = compareRevenue({
      treatment: { mean: 14.2, sd: 3.0332, n: 5 },
      control: { mean: 10.2, sd: 1.9235, n: 5 },
    })
    expect(fromSummaries.mannWhitney).toBeNull()
  })
})
