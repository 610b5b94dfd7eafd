import { stirlingError } from './log-gamma.ts'

const LOG_2PI = 1.83787706640934548356065947281

/**
 * Deviance term x·ln(x/μ) + μ − x, summed as a series when x ≈ μ to avoid cancellation.
 * Reference: Loader (2000), `bd0`.
 */
export function binomialDeviance(x: number, mu: number): number {
  if (Math.abs(x - mu) < 0.1 * (x + mu)) {
    let v = (x - mu) / (x + mu)
    let sum = (x - mu) * v
    let term = 2 * x * v
    v *= v
    for (let j = 1; j < 1000; j++) {
      term *= v
      const next = sum + term / (2 * j + 1)
      if (next === sum) return next
      sum = next
    }
    return sum
  }
  return x * Math.log(x / mu) + mu - x
}

/**
 * ln of the binomial density Γ(n+1)/(Γ(x+1)Γ(n−x+1)) pᵡ qⁿ⁻ˣ with q = 1 − p passed separately,
 * for real 0 ≤ x ≤ n. Loader's saddle-point form keeps ~1e-15 relative accuracy of the density
 * even at n = 10⁷, where differences of log-factorials would lose 8 digits.
 * Reference: R `dbinom(x, n, p, log = TRUE)`. Example: `logBinomialDensity(3, 10, 0.5, 0.5)` = ln(120/1024).
 */
export function logBinomialDensity(x: number, n: number, p: number, q: number): number {
  if (p === 0) return x === 0 ? 0 : -Infinity
  if (q === 0) return x === n ? 0 : -Infinity
  if (x === 0) {
    if (n === 0) return 0
    return p < 0.1 ? -binomialDeviance(n, n * q) - n * p : n * Math.log(q)
  }
  if (x === n) return q < 0.1 ? -binomialDeviance(n, n * p) - n * q : n * Math.log(p)
  if (x < 0 || x > n) return -Infinity
  const core =
    stirlingError(n) -
    stirlingError(x) -
    stirlingError(n - x) -
    binomialDeviance(x, n * p) -
    binomialDeviance(n - x, n * q)
  return core - 0.5 * (LOG_2PI + Math.log(x) + Math.log1p(-x / n))
}
