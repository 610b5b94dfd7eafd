import * as stats from '../../stats/index.ts'

type VerdictInput = Parameters<typeof stats.verdict>[0]
type Verdict = ReturnType<typeof stats.verdict>

const LIMIT = 5000
const cache = new Map<string, Verdict>()

/**
 * stats.verdict, remembered by its input. A test's totals change only when deals arrive, while
 * its results and the portfolio are read far more often; at a million deals per arm the exact
 * Bayesian part alone takes about 10 ms. The least recently used entries go first.
 */
export function cachedVerdict(input: VerdictInput): Verdict {
  const key = JSON.stringify(input)
  const hit = cache.get(key)
  if (hit) {
    cache.delete(key)
    cache.set(key, hit)
    return hit
  }
  const verdict = stats.verdict(input)
  cache.set(key, verdict)
  if (cache.size > LIMIT) cache.delete(cache.keys().next().value!)
  return verdict
}
