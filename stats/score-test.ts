import { normalQuantile, normalUpper } from './distributions/normal.ts'
import { findRoot } from './distributions/root.ts'

/**
 * The score statistics of two independent proportions, shared by the score analysis (here) and the
 * exact unconditional test (exact-unconditional.ts), which only replaces the normal tail by an exact
 * sum. Arms: treatment x_t of n_t, control x_c of n_c; p̂ = x/n.
 */

/** Two-sided or one-sided (treatment better) test of the primary analysis. */
export type Sidedness = 'two-sided' | 'greater'

/**
 * Restricted maximum-likelihood rates (p̃_t, p̃_c) under p_t − p_c = δ, by the closed-form root of
 * the likelihood equation's cubic (Farrington & Manning 1990, eq. 9–10; Miettinen & Nurminen 1985):
 * with θ = n_c/n_t, a = 1 + θ, b = −(1 + θ + p̂_t + θp̂_c + δ(θ + 2)), c = δ² + δ(2p̂_t + θ + 1) + p̂_t
 * + θp̂_c, d = −p̂_tδ(1 + δ); v = b³/(27a³) − bc/(6a²) + d/(2a), u = sign(v)·√(b²/(9a²) − c/(3a)),
 * w = (π + arccos(v/u³))/3, p̃_t = 2u·cos w − b/(3a), p̃_c = p̃_t − δ. At δ = 0 both are the pooled rate.
 * The arccos loses digits where the cubic nears a double root, so the root is then made exact (see
 * polish; measured: worst 1e-15 absolute against 50-digit roots of the likelihood equation).
 * Reference: statsmodels `score_test_proportions_2indep(..., compare='diff')` — whose cubic has
 * count0 where nobs0 belongs (statsmodels issue #10269), so the fixture's reference solves the
 * likelihood equation numerically instead (scripts/reference/primary.py).
 * Example: treatment 17/62, control 9/60, δ = 0.05 → p̃_t = 0.23443, p̃_c = 0.18443.
 */
export function restrictedDifference(
  pt: number,
  nt: number,
  pc: number,
  nc: number,
  delta: number,
): [number, number] {
  const rt = restrictedTreatmentRate(pt, nt, pc, nc, delta)
  return [rt, Math.min(1, Math.max(0, rt - delta))]
}

/** p̃_t of restrictedDifference without allocating (the exact test calls it for every table). */
function restrictedTreatmentRate(pt: number, nt: number, pc: number, nc: number, delta: number): number {
  if (delta === 0) return (pt * nt + pc * nc) / (nt + nc)
  const theta = nc / nt
  const a = 1 + theta
  const b = -(1 + theta + pt + theta * pc + delta * (theta + 2))
  const c = delta * delta + delta * (2 * pt + theta + 1) + pt + theta * pc
  const d = -pt * delta * (1 + delta)
  const v = (b * b * b) / (27 * a * a * a) - (b * c) / (6 * a * a) + d / (2 * a)
  const uu = (b * b) / (9 * a * a) - c / (3 * a)
  let root: number
  // the arccos argument: near ±1 the arccos loses digits (a near-double root)
  let cosineOf = 1
  if (!(uu > 0)) root = -b / (3 * a)
  else {
    const u = (v < 0 ? -1 : 1) * Math.sqrt(uu)
    cosineOf = Math.max(-1, Math.min(1, v / (u * u * u)))
    root = 2 * u * Math.cos((Math.PI + Math.acos(cosineOf)) / 3) - b / (3 * a)
  }
  // Known roots: with a rate of 0 or 1 in an arm the likelihood equation was multiplied by a factor
  // that vanishes there (p̃_t = p̂_t when p̂_t is 0 or 1; p̃_t = p̂_c + δ when p̂_c is 0 or 1).
  const first = pt === 0 || pt === 1 ? pt : NaN
  const second = pc === 0 || pc === 1 ? pc + delta : NaN
  if (first === first || second === second || Math.abs(cosineOf) > 0.99)
    root = polish(a, b, c, d, root, first, second)
  return Math.min(Math.min(1, 1 + delta), Math.max(Math.max(0, delta), root))
}

/**
 * The arccos root made exact: the cubic is deflated by its known roots (NaN: none) to a linear or
 * quadratic factor solved without cancellation, and the candidate nearest the arccos root is taken;
 * with no known root, Newton steps on the cubic while they shrink. (The arccos alone is off by up to
 * 5e-12 where the cubic nears a double root, as at x_t = n_t.)
 */
function polish(
  a: number,
  b: number,
  c: number,
  d: number,
  root: number,
  first: number,
  second: number,
): number {
  if (first === first || second === second) {
    // Synthetic division of a·p³ + b·p² + c·p + d by (p − r); the candidate nearest the arccos root.
    const known = first === first ? first : second
    const b1 = b + a * known
    const c1 = c + b1 * known
    let best = known
    let r1 = NaN
    let r2 = NaN
    if (first === first && second === second) {
      best = nearer(best, second, root)
      r1 = -(b1 + a * second) / a
    } else {
      const disc = b1 * b1 - 4 * a * c1
      if (disc >= 0) {
        const q = -0.5 * (b1 + (b1 < 0 ? -1 : 1) * Math.sqrt(disc))
        r1 = q / a
        r2 = q === 0 ? NaN : c1 / q
      }
    }
    return nearer(nearer(best, r1, root), r2, root)
  }
  let step = Infinity
  for (let i = 0; i < 8; i++) {
    const slope = (3 * a * root + 2 * b) * root + c
    const value = ((a * root + b) * root + c) * root + d
    if (value === 0 || slope === 0) break
    const next = value / slope
    if (!(Math.abs(next) < step)) break
    step = Math.abs(next)
    root -= next
    if (step <= 1e-17 * Math.max(1, Math.abs(root))) break
  }
  return root
}

/** Of `best` and `candidate` (NaN: none), the nearer to `target`. */
function nearer(best: number, candidate: number, target: number): number {
  return Math.abs(candidate - target) < Math.abs(best - target) ? candidate : best
}

/**
 * Restricted maximum-likelihood rates under p_t = ρ·p_c (Miettinen & Nurminen 1985; Koopman 1984):
 * N = n_t + n_c, A = ρN, B = −(ρ(n_t + x_c) + x_t + n_c), C = x_t + x_c,
 * p̃_c = (−B − √(B² − 4AC))/(2A) (computed as 2C/(−B + √(B² − 4AC)), no cancellation), p̃_t = ρp̃_c.
 * Reference: statsmodels `score_test_proportions_2indep(..., compare='ratio')`.
 * Example: treatment 17/62, control 9/60, ρ = 2 → p̃_t = 0.28163, p̃_c = 0.14081.
 */
export function restrictedRatio(
  xt: number,
  nt: number,
  xc: number,
  nc: number,
  ratio: number,
): [number, number] {
  const rc = restrictedControlRate(xt, nt, xc, nc, ratio)
  return [Math.min(1, ratio * rc), rc]
}

function restrictedControlRate(xt: number, nt: number, xc: number, nc: number, ratio: number): number {
  const converted = xt + xc
  if (ratio === 1) return converted / (nt + nc)
  if (converted === 0) return 0
  const A = ratio * (nt + nc)
  const B = -(ratio * (nt + xc) + xt + nc)
  const rc = (2 * converted) / (-B + Math.sqrt(Math.max(0, B * B - 4 * A * converted)))
  return Math.min(rc, 1, 1 / ratio)
}

/**
 * The pooled z: (p̂_t − p̂_c)/√(p̄(1 − p̄)(1/n_t + 1/n_c)), 0 when p̂_t = p̂_c (also when no deal or
 * every deal converted). The very floating-point operations of SciPy's `barnard_exact(pooled=True)`,
 * so that ties between tables are decided alike.
 * Reference: R `prop.test(c(x_t, x_c), c(n_t, n_c), correct = FALSE)$statistic` is z².
 * Example: treatment 17/62, control 9/60 → z = 1.67467.
 */
export function pooledZ(xt: number, nt: number, xc: number, nc: number): number {
  const pt = xt / nt
  const pc = xc / nc
  if (pt === pc) return 0
  const pooled = (xt + xc) / (nt + nc)
  return (pt - pc) / Math.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc))
}

function ratioOf(numerator: number, variance: number): number {
  if (numerator === 0) return 0
  if (!(variance > 0)) return numerator > 0 ? Infinity : -Infinity
  return numerator / Math.sqrt(variance)
}

/**
 * Score statistic for H₀: p_t − p_c = δ, without the N/(N − 1) factor (Farrington–Manning; Mee
 * 1984): (p̂_t − p̂_c − δ)/√(p̃_t(1 − p̃_t)/n_t + p̃_c(1 − p̃_c)/n_c) with the restricted MLE above.
 * At δ = 0 it is the pooled z (the same floating-point value). Decreasing in δ.
 * Reference: statsmodels `test_proportions_2indep(..., value=δ, method='score', compare='diff',
 * correction=False)` once its cubic is mended (#10269, #8704); scripts/reference/primary.py.
 * Example: treatment 17/62, control 9/60, δ = 0.05 → 1.00949.
 */
export function differenceScore(xt: number, nt: number, xc: number, nc: number, delta: number): number {
  if (delta === 0) return pooledZ(xt, nt, xc, nc)
  const pt = xt / nt
  const pc = xc / nc
  const rt = restrictedTreatmentRate(pt, nt, pc, nc, delta)
  const rc = Math.min(1, Math.max(0, rt - delta))
  return ratioOf(pt - pc - delta, (rt * (1 - rt)) / nt + (rc * (1 - rc)) / nc)
}

/**
 * Score statistic for H₀: p_t/p_c = ρ, without the N/(N − 1) factor (Koopman 1984; Miettinen &
 * Nurminen 1985 uncorrected): (p̂_t − ρp̂_c)/√(p̃_t(1 − p̃_t)/n_t + ρ²p̃_c(1 − p̃_c)/n_c). At ρ = 1 it
 * is the pooled z. Decreasing in ρ.
 * Reference: statsmodels `test_proportions_2indep(..., value=ρ, method='score', compare='ratio',
 * correction=False)`. Example: treatment 17/62, control 9/60, ρ = 2 → −0.24246.
 */
export function ratioScore(xt: number, nt: number, xc: number, nc: number, ratio: number): number {
  if (ratio === 1) return pooledZ(xt, nt, xc, nc)
  const rc = restrictedControlRate(xt, nt, xc, nc, ratio)
  const rt = Math.min(1, ratio * rc)
  return ratioOf(xt / nt - (ratio * xc) / nc, (rt * (1 - rt)) / nt + (ratio * ratio * rc * (1 - rc)) / nc)
}

/**
 * Normal p-value of a score statistic: 2(1 − Φ(|z|)) or 1 − Φ(z). Reference: R
 * `2 * pnorm(-abs(z))`, `pnorm(z, lower.tail = FALSE)`. Example: z = 1.67467, two-sided → 0.0940.
 */
export function scorePValue(z: number, alternative: Sidedness): number {
  return alternative === 'two-sided' ? Math.min(1, 2 * normalUpper(Math.abs(z))) : normalUpper(z)
}

/** Bounded stand-in for ±∞ so that the root finder's interpolation stays finite. */
const HUGE = 1e100

function finite(value: number): number {
  return Math.max(-HUGE, Math.min(HUGE, value))
}

/**
 * Ends of the score interval by inversion: the parameter (δ, or log ρ) where the statistic equals
 * +z (lower end) and −z (upper end). The statistic decreases in the parameter, so each end is the
 * one crossing; the search starts at `start` (the estimate where it exists), walks outward with
 * doubling steps until the crossing is bracketed, then Brent to 1e-15. An end the statistic never
 * reaches is the range's end (−1/1 for δ, ±∞ for log ρ).
 * Reference: statsmodels `confint_proportions_2indep(..., method='score', correction=False)` (which
 * brackets and calls brentq the same way). Example: treatment 17/62, control 9/60, δ's statistic,
 * from 0.1242 with z = 1.96 → [−0.02186, 0.26793].
 */
export function invertScore(
  statistic: (parameter: number) => number,
  start: number,
  range: readonly [number, number],
  critical: number,
  sides: 'both' | 'lower',
): [number, number] {
  const lower = crossing((p) => statistic(p) - critical, start, range)
  const upper = sides === 'both' ? crossing((p) => statistic(p) + critical, start, range) : range[1]
  return [lower, upper]
}

/** Where the decreasing g crosses 0 within [lo, hi]; lo if g < 0 throughout, hi if g > 0 throughout. */
function crossing(
  g: (parameter: number) => number,
  start: number,
  [lo, hi]: readonly [number, number],
): number {
  const f = (p: number): number => finite(g(p))
  const inner = Math.min(hi, Math.max(lo, start))
  const atInner = f(inner)
  if (atInner === 0) return inner
  // g > 0: the crossing lies above; g < 0: below.
  const up = atInner > 0
  const limit = up ? hi : lo
  let near = inner
  let step = Number.isFinite(limit) ? Math.max(Math.abs(limit - inner) / 32, 1e-6) : 0.5
  for (let i = 0; i < 200; i++) {
    let far = up ? near + step : near - step
    if (Number.isFinite(limit) && (up ? far >= limit : far <= limit)) far = limit
    if (!Number.isFinite(limit) && Math.abs(far) > LOG_LIMIT) return limit
    const value = f(far)
    if (value === 0) return far
    if (value > 0 !== atInner > 0) return findRoot(f, Math.min(near, far), Math.max(near, far), 1e-15)
    if (far === limit) return limit
    near = far
    step *= 2
  }
  return limit
}

/** Beyond |log ρ| = 700 the ratio is 0 or ∞ in doubles. */
const LOG_LIMIT = 700

/** z_{1−α/2} (two-sided) or z_{1−α} ('greater'). Reference: R `qnorm(1 - α/2)`. Example: α 0.05 → 1.95996. */
export function criticalValue(alpha: number, alternative: Sidedness): number {
  return normalQuantile(alternative === 'two-sided' ? alpha / 2 : alpha, true)
}
