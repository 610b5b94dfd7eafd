import { assertCounts, degenerateTableReason } from './counts.ts'
import { normalUpper } from './distributions/normal.ts'
import type { Reason } from './reasons.ts'
import type { ArmCounts } from './types.ts'

export interface ChiSquareResult {
  readonly statistic: number | null
  readonly pValue: number | null
  readonly reason: Reason | null
}

/**
 * Pearson's chi-square test of independence for the 2×2 table of arm × converted, 1 df, two-sided.
 *
 * Definition: E = row total × column total / N; X² = Σ (|O − E| − c)²/E with c = 0, or with Yates'
 * correction c = min(0.5, |O − E|) as R applies it; p = P(χ²₁ > X²) = 2·(1 − Φ(√X²)).
 * Undefined when an expected count is 0 (an empty arm, no or all conversions).
 * Reference: R `chisq.test(matrix(c(tx, cx, tn − tx, cn − cx), 2), correct = TRUE/FALSE)`.
 * Example: treatment 17/62, control 9/60 → X² = 2.805, p = 0.0940 (no correction); with Yates
 * X² = 2.113, p = 0.1461.
 */
export function chiSquare2x2(counts: ArmCounts, options: { correct?: boolean } = {}): ChiSquareResult {
  assertCounts(counts)
  const reason = degenerateTableReason(counts)
  if (reason !== null) return { statistic: null, pValue: null, reason }
  const { treatment: t, control: c } = counts
  const cells = [t.conversions, t.deals - t.conversions, c.conversions, c.deals - c.conversions]
  const total = t.deals + c.deals
  const converted = t.conversions + c.conversions
  const columns = [converted, total - converted]
  const rows = [t.deals, t.deals, c.deals, c.deals]
  const expected = cells.map((_, i) => (rows[i]! * columns[i % 2]!) / total)
  const deviations = cells.map((o, i) => Math.abs(o - expected[i]!))
  const correction = options.correct ? Math.min(0.5, ...deviations) : 0
  const statistic = deviations.reduce((sum, d, i) => sum + (d - correction) ** 2 / expected[i]!, 0)
  return { statistic, pValue: chiSquareOneDfUpper(statistic), reason: null }
}

/** P(χ²₁ > x) = 2·(1 − Φ(√x)). Reference: R `pchisq(x, 1, lower.tail = FALSE)`. */
export function chiSquareOneDfUpper(x: number): number {
  return 2 * normalUpper(Math.sqrt(x))
}
