import { assertCount, assertPositive, StatsInputError } from './errors.ts'
import { chiSquareOneDfUpper } from './chi-square.ts'
import type { Reason } from './reasons.ts'

export interface SrmResult {
  readonly statistic: number | null
  readonly pValue: number | null
  /** p < 0.001: the arms' sizes are unlikely under the planned split; assignment is suspect */
  readonly mismatch: boolean
  readonly reason: Reason | null
}

/** The threshold of the usual SRM check: false alarms at 1 in 1000 tests. */
export const SRM_THRESHOLD = 0.001

/**
 * Sample ratio mismatch: chi-square goodness of fit of the arms' deal counts to the planned split.
 *
 * Definition: with N = n_c + n_t and planned shares s_c, s_t (normalised to sum 1),
 * X² = Σ (n − N·s)²/(N·s), 1 df; mismatch when p < 0.001.
 * Reference: R `chisq.test(c(n_c, n_t), p = c(s_c, s_t), rescale.p = TRUE)`.
 * Example: counts 520/480 planned 50/50 → X² = 1.6, p = 0.2059, no mismatch.
 */
export function sampleRatioMismatch(
  counts: { control: number; treatment: number },
  planned: { control: number; treatment: number },
): SrmResult {
  assertCount('counts.control', counts.control)
  assertCount('counts.treatment', counts.treatment)
  assertPositive('planned.control', planned.control)
  assertPositive('planned.treatment', planned.treatment)
  const total = counts.control + counts.treatment
  if (total === 0) return { statistic: null, pValue: null, mismatch: false, reason: 'no_deals' }
  const share = planned.treatment / (planned.control + planned.treatment)
  if (!(share > 0 && share < 1)) throw new StatsInputError('planned', 'shares must both be positive')
  const expectedT = total * share
  const expectedC = total - expectedT
  const statistic =
    (counts.treatment - expectedT) ** 2 / expectedT + (counts.control - expectedC) ** 2 / expectedC
  const pValue = chiSquareOneDfUpper(statistic)
  return { statistic, pValue, mismatch: pValue < SRM_THRESHOLD, reason: null }
}
