import { assertArm, assertOpenProbability } from './errors.ts'
import { normalQuantile } from './distributions/normal.ts'
import type { Estimate } from './types.ts'

/**
 * Conversion rate of one arm, x/n, with the Wilson score interval.
 *
 * Definition: with z = z_{1−α/2}, centre = (x + z²/2)/(n + z²), half-width =
 * z/(n + z²)·√(x(n−x)/n + z²/4); the interval is [centre − half, centre + half], exactly 0 at x = 0
 * and 1 at x = n.
 * Reference: R `prop.test(x, n, correct = FALSE)$conf.int`; statsmodels
 * `proportion_confint(x, n, method='wilson')`.
 * Example: `wilsonInterval(17, 62)` → estimate 0.2742, interval [0.1788, 0.3959].
 */
export function wilsonInterval(conversions: number, deals: number, confidence = 0.95): Estimate {
  assertArm('arm', { conversions, deals })
  assertOpenProbability('confidence', confidence)
  if (deals === 0) return { estimate: null, interval: null, reason: 'no_deals' }
  const z = normalQuantile((1 + confidence) / 2)
  const z2 = z * z
  const rate = conversions / deals
  const centre = (conversions + z2 / 2) / (deals + z2)
  const half = (z / (deals + z2)) * Math.sqrt((conversions * (deals - conversions)) / deals + z2 / 4)
  const lower = conversions === 0 ? 0 : Math.max(0, centre - half)
  const upper = conversions === deals ? 1 : Math.min(1, centre + half)
  return { estimate: rate, interval: [lower, upper], reason: null }
}
