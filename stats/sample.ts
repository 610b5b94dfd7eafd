import { assertCount, assertFinite, assertValues, StatsInputError } from './errors.ts'

/** Revenue of one arm: raw values, a summary, or the sums SQL returns. */
export type Sample =
  | readonly number[]
  | { readonly values: readonly number[] }
  | { readonly mean: number; readonly sd: number; readonly n: number }
  | { readonly n: number; readonly sum: number; readonly sumSquares: number }

export interface Moments {
  readonly n: number
  readonly mean: number
  /** unbiased sample variance (n − 1 in the denominator); NaN when n < 2 */
  readonly variance: number
}

/** Raw values of a sample, when it has them (Mann-Whitney needs them). */
export function valuesOf(sample: Sample): readonly number[] | null {
  if (isValueList(sample)) return sample
  if ('values' in sample) return sample.values
  return null
}

// Array.isArray does not narrow a readonly array out of a union.
function isValueList(sample: Sample): sample is readonly number[] {
  return Array.isArray(sample)
}

/**
 * Mean and unbiased variance of any form of sample. From SQL sums:
 * mean = sum/n, variance = (sumSquares − sum²/n)/(n − 1), clamped at 0 against rounding (the
 * subtraction loses digits when the mean is large against the spread; send summaries then).
 * Raw values use the two-pass formula.
 */
export function momentsOf(sample: Sample, field: string): Moments {
  const values = valuesOf(sample)
  if (values !== null) {
    assertValues(field, values)
    const n = values.length
    const mean = values.reduce((s, v) => s + v, 0) / n
    const variance = n < 2 ? NaN : values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)
    // Stryker disable next-line ConditionalExpression: with no values the mean is 0/0, NaN already
    return { n, mean: n === 0 ? NaN : mean, variance }
  }
  if ('sd' in sample) {
    assertCount(`${field}.n`, sample.n)
    assertFinite(`${field}.mean`, sample.mean)
    assertFinite(`${field}.sd`, sample.sd)
    if (sample.sd < 0) throw new StatsInputError(`${field}.sd`, `must not be negative, got ${sample.sd}`)
    return { n: sample.n, mean: sample.mean, variance: sample.n < 2 ? NaN : sample.sd ** 2 }
  }
  if ('sumSquares' in sample) {
    assertCount(`${field}.n`, sample.n)
    assertFinite(`${field}.sum`, sample.sum)
    assertFinite(`${field}.sumSquares`, sample.sumSquares)
    if (sample.sumSquares < 0) throw new StatsInputError(`${field}.sumSquares`, 'must not be negative')
    const n = sample.n
    const mean = n === 0 ? NaN : sample.sum / n
    const variance = n < 2 ? NaN : Math.max(0, (sample.sumSquares - (sample.sum * sample.sum) / n) / (n - 1))
    return { n, mean, variance }
  }
  throw new StatsInputError(field, 'must be values, {values}, {mean, sd, n} or {n, sum, sumSquares}')
}
