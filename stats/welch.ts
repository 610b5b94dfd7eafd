import { assertOneOf, assertOpenProbability } from './errors.ts'
import { studentTQuantile, studentTUpper } from './distributions/student-t.ts'
import { momentsOf, type Sample } from './sample.ts'
import type { Reason } from './reasons.ts'
import { alternatives, type Alternative, type Interval } from './types.ts'

export interface WelchResult {
  /** mean(treatment) − mean(control) */
  readonly estimate: number | null
  readonly interval: Interval | null
  readonly t: number | null
  readonly df: number | null
  readonly pValue: number | null
  readonly reason: Reason | null
}

/**
 * Welch's unequal-variances t-test of mean revenue per deal, treatment − control.
 *
 * Definition: d = x̄_t − x̄_c, se = √(s²_t/n_t + s²_c/n_c), t = d/se, Welch–Satterthwaite
 * df = se⁴ / ((s²_t/n_t)²/(n_t−1) + (s²_c/n_c)²/(n_c−1)); two-sided p = 2·P(T > |t|), interval
 * d ± t_{1−α/2, df}·se; one-sided: p = P(T > t) ('greater') with interval [d − t_{1−α}·se, ∞).
 * Undefined with fewer than two values in an arm, or when both arms have zero variance.
 * Reference: R `t.test(treatment, control, var.equal = FALSE, alternative, conf.level)`.
 * Example: treatment (12, 15, 11, 19, 14), control (10, 9, 13, 8, 11) → d = 4, t = 2.4434,
 * df = 6.6639, p = 0.0462, interval [0.0890, 7.9110].
 */
export function welchTTest(
  treatment: Sample,
  control: Sample,
  options: { alternative?: Alternative; confidence?: number } = {},
): WelchResult {
  const alternative = options.alternative ?? 'two-sided'
  const confidence = options.confidence ?? 0.95
  assertOneOf('alternative', alternative, alternatives)
  assertOpenProbability('confidence', confidence)
  const t = momentsOf(treatment, 'treatment')
  const c = momentsOf(control, 'control')
  const none = { estimate: null, interval: null, t: null, df: null, pValue: null }
  if (t.n < 2 || c.n < 2) return { ...none, reason: 'too_few_values' }
  const vt = t.variance / t.n
  const vc = c.variance / c.n
  const se2 = vt + vc
  const estimate = t.mean - c.mean
  if (se2 === 0) return { ...none, estimate, reason: 'zero_variance' }
  const se = Math.sqrt(se2)
  const df = (se2 * se2) / ((vt * vt) / (t.n - 1) + (vc * vc) / (c.n - 1))
  const statistic = estimate / se
  const alpha = 1 - confidence
  let pValue: number
  let interval: Interval
  if (alternative === 'two-sided') {
    pValue = 2 * studentTUpper(Math.abs(statistic), df)
    const q = studentTQuantile(1 - alpha / 2, df)
    interval = [estimate - q * se, estimate + q * se]
  } else if (alternative === 'greater') {
    pValue = studentTUpper(statistic, df)
    interval = [estimate - studentTQuantile(1 - alpha, df) * se, Infinity]
  } else {
    pValue = studentTUpper(-statistic, df)
    interval = [-Infinity, estimate + studentTQuantile(1 - alpha, df) * se]
  }
  return { estimate, interval, t: statistic, df, pValue: Math.min(1, pValue), reason: null }
}
