import { assertOpenProbability } from './errors.ts'
import { assertCounts } from './counts.ts'
import { normalQuantile } from './distributions/normal.ts'
import { wilsonInterval } from './wilson.ts'
import type { ArmCounts, Estimate } from './types.ts'

/**
 * Difference of conversion rates, treatment − control, with Newcombe's hybrid score interval
 * (method 10 of Newcombe 1998): each arm's Wilson limits combined.
 *
 * Definition: d = p_t − p_c; with Wilson limits [l_t, u_t], [l_c, u_c],
 * lower = d − √((p_t − l_t)² + (u_c − p_c)²), upper = d + √((u_t − p_t)² + (p_c − l_c)²).
 * Reference: statsmodels `confint_proportions_2indep(x_t, n_t, x_c, n_c, method='newcomb',
 * compare='diff')` (its p1 − p2 is treatment − control); R: the formula above over
 * `prop.test(x, n, correct = FALSE)$conf.int`.
 * Example: treatment 17/62, control 9/60 → d = 0.1242, interval [−0.0223, 0.2641].
 */
export function newcombeDifference(counts: ArmCounts, confidence = 0.95): Estimate {
  assertCounts(counts)
  assertOpenProbability('confidence', confidence)
  const { treatment: t, control: c } = counts
  const wt = wilsonInterval(t.conversions, t.deals, confidence)
  const wc = wilsonInterval(c.conversions, c.deals, confidence)
  if (wt.interval === null || wc.interval === null || wt.estimate === null || wc.estimate === null) {
    return { estimate: null, interval: null, reason: 'no_deals' }
  }
  const pt = wt.estimate
  const pc = wc.estimate
  const [lt, ut] = wt.interval
  const [lc, uc] = wc.interval
  const d = pt - pc
  return {
    estimate: d,
    interval: [d - Math.hypot(pt - lt, uc - pc), d + Math.hypot(ut - pt, pc - lc)],
    reason: null,
  }
}

/**
 * Difference of rates with the Wald interval d ± z·√(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c): shown for
 * comparison only, it undercovers at small n and collapses to a point at 0 % or 100 %.
 * Reference: statsmodels `confint_proportions_2indep(..., method='wald', compare='diff')`.
 * Example: treatment 17/62, control 9/60 → [−0.0190, 0.2673].
 */
export function waldDifference(counts: ArmCounts, confidence = 0.95): Estimate {
  assertCounts(counts)
  assertOpenProbability('confidence', confidence)
  const { treatment: t, control: c } = counts
  if (t.deals === 0 || c.deals === 0) return { estimate: null, interval: null, reason: 'no_deals' }
  const pt = t.conversions / t.deals
  const pc = c.conversions / c.deals
  const z = normalQuantile((1 + confidence) / 2)
  const se = Math.sqrt((pt * (1 - pt)) / t.deals + (pc * (1 - pc)) / c.deals)
  const d = pt - pc
  return { estimate: d, interval: [d - z * se, d + z * se], reason: null }
}

/**
 * Difference of rates with the Agresti-Caffo interval: add one conversion and one non-conversion
 * to each arm, then Wald: p̃ = (x+1)/(n+2), d̃ ± z·√(p̃_t(1−p̃_t)/(n_t+2) + p̃_c(1−p̃_c)/(n_c+2)).
 * The estimate stays the raw d = p_t − p_c. Defined even for empty arms (p̃ = ½).
 * Reference: statsmodels `confint_proportions_2indep(..., method='agresti-caffo', compare='diff')`.
 * Example: treatment 17/62, control 9/60 → [−0.0233, 0.2632].
 */
export function agrestiCaffoDifference(counts: ArmCounts, confidence = 0.95): Estimate {
  assertCounts(counts)
  assertOpenProbability('confidence', confidence)
  const { treatment: t, control: c } = counts
  if (t.deals === 0 || c.deals === 0) return { estimate: null, interval: null, reason: 'no_deals' }
  const z = normalQuantile((1 + confidence) / 2)
  const pt = (t.conversions + 1) / (t.deals + 2)
  const pc = (c.conversions + 1) / (c.deals + 2)
  const shrunk = pt - pc
  const se = Math.sqrt((pt * (1 - pt)) / (t.deals + 2) + (pc * (1 - pc)) / (c.deals + 2))
  return {
    estimate: t.conversions / t.deals - c.conversions / c.deals,
    interval: [shrunk - z * se, shrunk + z * se],
    reason: null,
  }
}
