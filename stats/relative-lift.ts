import { assertOpenProbability } from './errors.ts'
import { assertCounts } from './counts.ts'
import { normalQuantile } from './distributions/normal.ts'
import type { ArmCounts, Estimate } from './types.ts'

/**
 * Relative lift p_t/p_c − 1 with the log (Katz) interval for the ratio of rates.
 *
 * Definition: RR = p_t/p_c; ln RR ± z·√(1/x_t − 1/n_t + 1/x_c − 1/n_c); lift = RR − 1, interval
 * exp(limits) − 1. Undefined (null) when the control has no conversions (RR has no finite value);
 * with no treatment conversions the lift is −1 but the log interval is undefined.
 * Reference: statsmodels `confint_proportions_2indep(x_t, n_t, x_c, n_c, compare='ratio',
 * method='log')` minus 1; Katz et al. (1978).
 * Example: treatment 17/62, control 9/60 → lift 0.828, interval [−0.115, 2.777].
 */
export function relativeLift(counts: ArmCounts, confidence = 0.95): Estimate {
  assertCounts(counts)
  assertOpenProbability('confidence', confidence)
  const { treatment: t, control: c } = counts
  if (t.deals === 0 || c.deals === 0) return { estimate: null, interval: null, reason: 'no_deals' }
  if (c.conversions === 0) return { estimate: null, interval: null, reason: 'control_has_no_conversions' }
  const ratio = t.conversions / t.deals / (c.conversions / c.deals)
  if (t.conversions === 0) return { estimate: -1, interval: null, reason: 'treatment_has_no_conversions' }
  const z = normalQuantile((1 + confidence) / 2)
  const se = Math.sqrt(1 / t.conversions - 1 / t.deals + 1 / c.conversions - 1 / c.deals)
  const log = Math.log(ratio)
  return { estimate: ratio - 1, interval: [Math.expm1(log - z * se), Math.expm1(log + z * se)], reason: null }
}
