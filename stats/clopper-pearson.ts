import { assertArm, assertOpenProbability } from './errors.ts'
import { betaQuantile } from './distributions/beta.ts'
import type { Estimate } from './types.ts'

/**
 * Conversion rate of one arm with the Clopper-Pearson ("exact") interval.
 *
 * Definition: lower = Beta⁻¹(α/2; x, n−x+1) (0 when x = 0), upper = Beta⁻¹(1−α/2; x+1, n−x)
 * (1 when x = n): the rates at which P(X ≥ x) resp. P(X ≤ x) equal α/2.
 * Reference: R `binom.test(x, n, conf.level = 0.95)$conf.int`.
 * Example: `clopperPearsonInterval(17, 62)` → estimate 0.2742, interval [0.1685, 0.4023].
 */
export function clopperPearsonInterval(conversions: number, deals: number, confidence = 0.95): Estimate {
  assertArm('arm', { conversions, deals })
  assertOpenProbability('confidence', confidence)
  if (deals === 0) return { estimate: null, interval: null, reason: 'no_deals' }
  const alpha = 1 - confidence
  const lower = conversions === 0 ? 0 : betaQuantile(alpha / 2, conversions, deals - conversions + 1)
  const upper =
    conversions === deals ? 1 : betaQuantile(alpha / 2, conversions + 1, deals - conversions, true)
  return { estimate: conversions / deals, interval: [lower, upper], reason: null }
}
