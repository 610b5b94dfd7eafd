import { betaQuantile, betaTails } from './beta.ts'

/**
 * Student t distribution at real (fractional) degrees of freedom, as Welch's test needs.
 *
 * jstat's `studentt.inv` inverts its 3e-7-accurate `ibeta` with a 1e-8 stop: measured relative
 * error 5.4e-5 against R's `qt` (p = 0.4999, df = 2e6), and `studentt.cdf` returns 1 − ε for upper
 * tails (relative error 1 at t = 12, df = 58.6). Replaced by the incomplete beta of ./beta.ts:
 * measured against R `qt` at df from 1.3 to 2e6 (fractional), p from 1e-12 to 1 − 1e-6, worst
 * relative error 3.1e-11 (at df = 2e6, where 1 − x loses digits; below df = 2e4 it is ~1e-14).
 * scripts/reference/check-jstat.ts prints these numbers.
 */

/**
 * Upper tail P(T > t) for T ~ t(df): ½·I_{df/(df+t²)}(df/2, ½) for t ≥ 0.
 * Reference: R `pt(t, df, lower.tail = FALSE)`. Example: `studentTUpper(2.228138851986274, 10)` ≈ 0.025.
 */
export function studentTUpper(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df)) return NaN
  if (!Number.isFinite(t)) return t > 0 ? 0 : 1
  const t2 = t * t
  const x = df / (df + t2)
  const y = t2 / (df + t2)
  const half = 0.5 * betaTails(x, df / 2, 0.5, y).lower
  return t >= 0 ? half : 1 - half
}

/** Lower tail P(T ≤ t). Reference: R `pt(t, df)`. Example: `studentTCdf(0, 3.5)` = 0.5. */
export function studentTCdf(t: number, df: number): number {
  return studentTUpper(-t, df)
}

/**
 * Quantile t with P(T ≤ t) = p, through the beta quantile (t² = df·y/x where x = df/(df+t²)).
 * Reference: R `qt(p, df)`. Example: `studentTQuantile(0.975, 10.5)` ≈ 2.21384 (R: qt(0.975, 10.5)).
 */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN
  if (p === 0.5) return 0
  if (p === 0) return -Infinity
  if (p === 1) return Infinity
  const twoTail = 2 * Math.min(p, 1 - p)
  // I_x(df/2, ½) = twoTail with x = df/(df+t²), equivalently the upper tail of Beta(½, df/2) at
  // y = 1 − x = t²/(df+t²) equals twoTail. Solve for whichever of x, y is below ½, so that
  // 1 − x or 1 − y is exact (measured: this moves qt(0.975, 2e6) from 4e-12 to 1e-15).
  const y = betaQuantile(twoTail, 0.5, df / 2, true)
  let t: number
  if (y <= 0.5) {
    t = Math.sqrt((df * y) / (1 - y))
  } else {
    const x = betaQuantile(twoTail, df / 2, 0.5)
    t = Math.sqrt((df * (1 - x)) / x)
  }
  return p < 0.5 ? -t : t
}
