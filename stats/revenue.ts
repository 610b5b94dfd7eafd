import { mannWhitney, type MannWhitneyResult } from './mann-whitney.ts'
import { valuesOf, type Sample } from './sample.ts'
import type { Reason } from './reasons.ts'
import { welchTTest } from './welch.ts'
import type { Interval } from './types.ts'

export interface RevenueInput {
  readonly control: Sample
  readonly treatment: Sample
  readonly confidence?: number
  readonly alternative?: 'two-sided' | 'greater'
}

export interface RevenueResult {
  readonly difference: { readonly estimate: number | null; readonly interval: Interval | null }
  readonly welch: { readonly t: number | null; readonly df: number | null; readonly pValue: number | null }
  /** only with raw values in both arms */
  readonly mannWhitney: { readonly w: number | null; readonly pValue: number | null } | null
  readonly reason: Reason | null
}

/**
 * Revenue per deal, treatment against control: Welch's t-test and interval (see welchTTest), and
 * Mann-Whitney when both arms come as raw values. The shape of the revenue calculator.
 * Reference: R `t.test(..., var.equal = FALSE)`, `wilcox.test(..., exact = FALSE, correct = TRUE)`.
 * Example: compareRevenue({ treatment: [12, 15, 11, 19, 14], control: [10, 9, 13, 8, 11] }) →
 * difference 4 [0.0890, 7.9110], Welch p = 0.0462, Mann-Whitney W = 22.5, p = 0.0465.
 */
export function compareRevenue(input: RevenueInput): RevenueResult {
  const alternative = input.alternative ?? 'two-sided'
  const welch = welchTTest(input.treatment, input.control, {
    alternative,
    confidence: input.confidence ?? 0.95,
  })
  const tValues = valuesOf(input.treatment)
  const cValues = valuesOf(input.control)
  let rank: MannWhitneyResult | null = null
  if (tValues !== null && cValues !== null) rank = mannWhitney(tValues, cValues, alternative)
  return {
    difference: { estimate: welch.estimate, interval: welch.interval },
    welch: { t: welch.t, df: welch.df, pValue: welch.pValue },
    mannWhitney: rank === null ? null : { w: rank.w, pValue: rank.pValue },
    reason: welch.reason ?? rank?.reason ?? null,
  }
}
