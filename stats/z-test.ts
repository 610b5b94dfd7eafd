import { assertOneOf } from './errors.ts'
import { assertCounts } from './counts.ts'
import { normalUpper } from './distributions/normal.ts'
import type { Reason } from './reasons.ts'
import { alternatives, type Alternative, type ArmCounts } from './types.ts'

export interface ZTestResult {
  readonly z: number | null
  readonly pValue: number | null
  readonly reason: Reason | null
}

/**
 * Pooled two-proportion z-test of treatment against control.
 *
 * Definition: p̄ = (x_t + x_c)/(n_t + n_c), z = (p_t − p_c)/√(p̄(1−p̄)(1/n_t + 1/n_c));
 * two-sided p = 2(1 − Φ(|z|)), greater p = 1 − Φ(z), less p = Φ(z). z² is Pearson's X².
 * Reference: R `prop.test(c(x_t, x_c), c(n_t, n_c), correct = FALSE)` (statistic = z², two-sided
 * p); one-sided p from `pnorm(z, lower.tail = FALSE)`. statsmodels `proportions_ztest`.
 * Example: treatment 17/62, control 9/60 → z = 1.675, p = 0.0940.
 */
export function twoProportionZTest(counts: ArmCounts, alternative: Alternative = 'two-sided'): ZTestResult {
  assertCounts(counts)
  assertOneOf('alternative', alternative, alternatives)
  const { treatment: t, control: c } = counts
  if (t.deals === 0 || c.deals === 0) return { z: null, pValue: null, reason: 'no_deals' }
  const pooled = (t.conversions + c.conversions) / (t.deals + c.deals)
  if (pooled === 0) return { z: null, pValue: null, reason: 'no_conversions' }
  if (pooled === 1) return { z: null, pValue: null, reason: 'all_converted' }
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / t.deals + 1 / c.deals))
  const z = (t.conversions / t.deals - c.conversions / c.deals) / se
  const pValue =
    alternative === 'two-sided'
      ? 2 * normalUpper(Math.abs(z))
      : alternative === 'greater'
        ? normalUpper(z)
        : normalUpper(-z)
  return { z, pValue: Math.min(1, pValue), reason: null }
}
