import { describe, expect, it } from 'vitest'
import { momentsOf, StatsInputError } from '../../stats/index.ts'
import { valuesOf } from '../../stats/sample.ts'

function refusal(run: () => unknown): { field: string; message: string } {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(StatsInputError)
    return { field: (error as StatsInputError).field, message: (error as StatsInputError).message }
  }
  throw new Error('expected a refusal')
}

// Values 2, 4, 9: n = 3, mean 5, unbiased variance ((−3)² + (−1)² + 4²)/2 = 13; sum 15, sum of
// squares 4 + 16 + 81 = 101, sd √13.
describe('momentsOf', () => {
  it('gives the same n, mean and unbiased variance from values, {values}, a summary and SQL sums', () => {
    const expected = { n: 3, mean: 5, variance: 13 }
    expect(momentsOf([2, 4, 9], 'x')).toEqual(expected)
    expect(momentsOf({ values: [2, 4, 9] }, 'x')).toEqual(expected)
    const summary = momentsOf({ mean: 5, sd: Math.sqrt(13), n: 3 }, 'x')
    expect(summary.n).toBe(3)
    expect(summary.mean).toBe(5)
    expect(summary.variance).toBeCloseTo(13, 12)
    expect(momentsOf({ n: 3, sum: 15, sumSquares: 101 }, 'x')).toEqual(expected)
  })

  it('leaves the variance undefined (NaN) below two values, and the mean below one', () => {
    expect(momentsOf([7], 'x')).toEqual({ n: 1, mean: 7, variance: NaN })
    expect(momentsOf([], 'x')).toEqual({ n: 0, mean: NaN, variance: NaN })
    expect(momentsOf({ mean: 7, sd: 0, n: 1 }, 'x')).toEqual({ n: 1, mean: 7, variance: NaN })
    expect(momentsOf({ n: 1, sum: 7, sumSquares: 49 }, 'x')).toEqual({ n: 1, mean: 7, variance: NaN })
    expect(momentsOf({ n: 0, sum: 0, sumSquares: 0 }, 'x')).toEqual({ n: 0, mean: NaN, variance: NaN })
    expect(momentsOf({ n: 2, sum: 6, sumSquares: 20 }, 'x')).toEqual({ n: 2, mean: 3, variance: 2 })
  })

  it('takes the variance of a summary from two values up', () => {
    expect(momentsOf({ mean: 3, sd: 1.5, n: 2 }, 'x')).toEqual({ n: 2, mean: 3, variance: 2.25 })
  })

  it('answers NaN, not ±∞, for the mean of no deals and the variance of one, whatever the sums say', () => {
    expect(momentsOf({ n: 0, sum: 5, sumSquares: 25 }, 'x')).toEqual({ n: 0, mean: NaN, variance: NaN })
    expect(momentsOf({ n: 1, sum: 7, sumSquares: 50 }, 'x')).toEqual({ n: 1, mean: 7, variance: NaN })
  })

  it('clamps at 0 a variance from sums that rounding pushed below it', () => {
    // 0.1 + 0.2 + 0.3 summed in floating point: sumSquares − sum²/n comes out just below 0.
    const values = [0.1, 0.1, 0.1]
    const sum = values.reduce((s, v) => s + v, 0)
    const sumSquares = values.reduce((s, v) => s + v * v, 0)
    expect(sumSquares - (sum * sum) / 3).toBeLessThan(0)
    expect(momentsOf({ n: 3, sum, sumSquares }, 'x').variance).toBe(0)
  })

  it('takes a zero standard deviation and refuses a negative one, naming the field', () => {
    expect(momentsOf({ mean: 2, sd: 0, n: 4 }, 'control').variance).toBe(0)
    expect(refusal(() => momentsOf({ mean: 2, sd: -0.5, n: 4 }, 'control'))).toEqual({
      field: 'control.sd',
      message: 'control.sd: must not be negative, got -0.5',
    })
    expect(refusal(() => momentsOf({ mean: 2, sd: 1, n: 1.5 }, 'control')).field).toBe('control.n')
    expect(refusal(() => momentsOf({ mean: NaN, sd: 1, n: 4 }, 'control')).field).toBe('control.mean')
    expect(refusal(() => momentsOf({ mean: 2, sd: Infinity, n: 4 }, 'control')).field).toBe('control.sd')
  })

  it('takes a zero sum of squares and refuses a negative one, naming the field', () => {
    expect(momentsOf({ n: 2, sum: 0, sumSquares: 0 }, 'treatment')).toEqual({ n: 2, mean: 0, variance: 0 })
    expect(refusal(() => momentsOf({ n: 2, sum: 1, sumSquares: -1 }, 'treatment'))).toEqual({
      field: 'treatment.sumSquares',
      message: 'treatment.sumSquares: must not be negative',
    })
    expect(refusal(() => momentsOf({ n: -1, sum: 1, sumSquares: 1 }, 'treatment')).field).toBe('treatment.n')
    expect(refusal(() => momentsOf({ n: 2, sum: NaN, sumSquares: 1 }, 'treatment')).field).toBe(
      'treatment.sum',
    )
    expect(refusal(() => momentsOf({ n: 2, sum: 1, sumSquares: NaN }, 'treatment')).field).toBe(
      'treatment.sumSquares',
    )
  })

  it('names the index of a value that is not finite', () => {
    expect(refusal(() => momentsOf([1, Infinity], 'treatment')).field).toBe('treatment[1]')
    expect(refusal(() => momentsOf({ values: [NaN] }, 'control')).field).toBe('control[0]')
  })

  it('refuses a shape it does not know, listing the ones it does', () => {
    expect(refusal(() => momentsOf({ n: 3 } as never, 'control'))).toEqual({
      field: 'control',
      message: 'control: must be values, {values}, {mean, sd, n} or {n, sum, sumSquares}',
    })
  })
})

describe('valuesOf', () => {
  it('gives the raw values of a list or {values}, and nothing for summaries and sums', () => {
    expect(valuesOf([1, 2])).toEqual([1, 2])
    expect(valuesOf({ values: [3] })).toEqual([3])
    expect(valuesOf({ mean: 1, sd: 1, n: 2 })).toBeNull()
    expect(valuesOf({ n: 2, sum: 2, sumSquares: 4 })).toBeNull()
  })
})
