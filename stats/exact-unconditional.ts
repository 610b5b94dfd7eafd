import { logGamma } from './distributions/log-gamma.ts'
import { differenceScore, ratioScore, type Sidedness } from './score-test.ts'

/**
 * Exact unconditional test of two independent proportions with the score statistic (Barnard 1947;
 * Suissa & Shuster 1985; for δ ≠ 0 and ratios Chan & Zhang 1999, Agresti & Min 2002), and the
 * confidence intervals that invert it.
 *
 * For a parameter value (difference δ = p_t − p_c, or ratio ρ = p_t/p_c) the statistic T (the score
 * statistic of score-test.ts: the pooled z at no change) orders all (n_t + 1)(n_c + 1) tables, and
 * p(parameter) = sup over the nuisance control rate π of P_π(T ≥ t_obs) ('greater') or
 * P_π(|T| ≥ |t_obs|) (two-sided), with treatment rate π + δ or ρπ, each arm binomial.
 */

/** One parametrised family of null hypotheses: a difference or a ratio. */
export interface Family {
  readonly kind: 'difference' | 'ratio'
  /** the statistic of table (a, b) at the parameter */
  statistic(a: number, b: number, parameter: number): number
  /** the control rates the null allows: [lo, hi] */
  nuisance(parameter: number): [number, number]
  /** the treatment rate at control rate π */
  treatment(pi: number, parameter: number): number
  /** 1 − the treatment rate, from 1 − π given exactly (no cancellation near a rate of 1) */
  treatmentComplement(complement: number, pi: number, parameter: number): number
}

/**
 * Nulls p_t − p_c = δ: the statistic differenceScore, nuisance π_c ∈ [max(0, −δ), min(1, 1 − δ)],
 * p_t = π_c + δ. Example: differenceFamily(62, 60).nuisance(0.2) → [0, 0.8].
 */
export function differenceFamily(nt: number, nc: number): Family {
  return {
    kind: 'difference',
    statistic: (a, b, delta) => differenceScore(a, nt, b, nc, delta),
    nuisance: (delta) => [Math.max(0, -delta), Math.min(1, 1 - delta)],
    treatment: (pi, delta) => Math.min(1, Math.max(0, pi + delta)),
    treatmentComplement: (complement, _pi, delta) => Math.min(1, Math.max(0, complement - delta)),
  }
}

/**
 * Nulls p_t = ρ·p_c: the statistic ratioScore, nuisance π_c ∈ [0, min(1, 1/ρ)], p_t = ρπ_c.
 * Example: ratioFamily(62, 60).nuisance(2) → [0, 0.5].
 */
export function ratioFamily(nt: number, nc: number): Family {
  return {
    kind: 'ratio',
    statistic: (a, b, ratio) => ratioScore(a, nt, b, nc, ratio),
    nuisance: (ratio) => [0, Math.min(1, 1 / ratio)],
    treatment: (pi, ratio) => (ratio === 1 ? pi : Math.min(1, ratio * pi)),
    treatmentComplement: (complement, pi, ratio) => (ratio === 1 ? complement : Math.max(0, 1 - ratio * pi)),
  }
}

/**
 * Statistics equal up to this relative difference are ties: equal statistics reached by different
 * floating-point paths (a table and its mirror with conversions and non-conversions exchanged)
 * differ in the last bits. (R's fisher.test uses 1e-7 for the same purpose.)
 */
export const TIE = 1e-10

/** Per nuisance grid point, a quarter of a binomial likelihood's standard deviation on the arcsine scale. */
const GRID_DENSITY = 4

/**
 * The rejection region at one parameter value, as a staircase: row a (treatment conversions) holds
 * b = 0..upper[a] (T ≥ threshold) and b = lower[a]..n_c (T ≤ −threshold, two-sided only).
 *
 * Both score statistics increase with the treatment's conversions and decrease with the control's
 * (Barnard's convexity condition; Mehrotra, Chan & Berger 2003 recommend the score statistic for
 * exact unconditional tests against the unpooled Wald statistic, which breaks it), so each part of
 * the region is a staircase found by walking its edge: O(n_t + n_c) statistics instead of
 * (n_t + 1)(n_c + 1). The monotonicity is verified, not proven, here: tests/stats/
 * exact-unconditional.test.ts checks it on 6 million neighbouring tables (arms up to 40 deals, δ
 * from −0.999 to 0.999, ρ from e⁻⁴ to e⁴) and the staircase against the definition table by table;
 * a table breaking it would be misplaced.
 */
export interface Region {
  readonly upper: Int32Array
  readonly lower: Int32Array
  /** every table is in the region (the observed statistic is 0, two-sided) */
  readonly all: boolean
}

/**
 * The region of the tables at least as extreme as the observed statistic: two-sided |T| ≥ |t|(1 −
 * TIE), 'greater' T ≥ t − TIE·|t| (SciPy's barnard_exact without the tie slack). Example: 3/3
 * against 1/2, two-sided, δ = 0 → tables (a, b) = (0, 1), (0, 2), (1, 2), (2, 0), (3, 0), (3, 1):
 * upper = [−1, −1, 0, 1], lower = [1, 2, 3, 3].
 */
export function regionOf(
  family: Family,
  nt: number,
  nc: number,
  observed: number,
  parameter: number,
  alternative: Sidedness,
): Region {
  const two = alternative === 'two-sided'
  const threshold = two
    ? Number.isFinite(observed)
      ? Math.abs(observed) * (1 - TIE)
      : Infinity
    : Number.isFinite(observed)
      ? observed - TIE * Math.abs(observed)
      : observed
  const upper = new Int32Array(nt + 1)
  const lower = new Int32Array(nt + 1).fill(nc + 1)
  if (two && threshold <= 0) return { upper: upper.fill(nc), lower, all: true }
  // upper[a] = max{b : T(a, b) ≥ threshold}, nondecreasing in a
  let b = -1
  for (let a = 0; a <= nt; a++) {
    while (b < nc && family.statistic(a, b + 1, parameter) >= threshold) b++
    upper[a] = b
  }
  if (two) {
    // lower[a] = min{b : T(a, b) ≤ −threshold}, nondecreasing in a
    b = 0
    for (let a = 0; a <= nt; a++) {
      while (b <= nc && family.statistic(a, b, parameter) > -threshold) b++
      lower[a] = b
    }
  }
  return { upper, lower, all: false }
}

/** ln k! for k = 0..n (ln Γ(k + 1), 5e-15 relative: the densities below keep ~1e-13). */
function logFactorials(n: number): Float64Array {
  const table = new Float64Array(n + 1)
  for (let k = 2; k <= n; k++) table[k] = logGamma(k + 1)
  return table
}

/**
 * Binomial probabilities of 0..n at rate p (q = 1 − p given exactly), into `out`: the mode's from
 * ln C(n, m) + m ln p + (n − m) ln q, the rest by the exact ratio of neighbours (no factorials in
 * the loop; tails underflow to 0).
 */
function binomialInto(out: Float64Array, n: number, p: number, q: number, lf: Float64Array): void {
  out.fill(0, 0, n + 1)
  if (p <= 0) {
    out[0] = 1
    return
  }
  if (q <= 0) {
    out[n] = 1
    return
  }
  const mode = Math.min(n, Math.floor((n + 1) * p))
  out[mode] = Math.exp(lf[n]! - lf[mode]! - lf[n - mode]! + mode * Math.log(p) + (n - mode) * Math.log(q))
  const odds = p / q
  for (let k = mode + 1; k <= n; k++) {
    const v = (out[k - 1]! * (n - k + 1) * odds) / k
    if (v === 0) break
    out[k] = v
  }
  const inverse = q / p
  for (let k = mode - 1; k >= 0; k--) {
    const v = (out[k + 1]! * (k + 1) * inverse) / (n - k)
    if (v === 0) break
    out[k] = v
  }
}

/** Reusable buffers for the probability of a region under one nuisance value. */
class Evaluator {
  private readonly ft: Float64Array
  private readonly fc: Float64Array
  private readonly below: Float64Array
  private readonly above: Float64Array
  private readonly lft: Float64Array
  private readonly lfc: Float64Array

  constructor(
    private readonly family: Family,
    private readonly nt: number,
    private readonly nc: number,
  ) {
    this.ft = new Float64Array(nt + 1)
    this.fc = new Float64Array(nc + 1)
    this.below = new Float64Array(nc + 2)
    this.above = new Float64Array(nc + 2)
    this.lft = logFactorials(nt)
    this.lfc = nc === nt ? this.lft : logFactorials(nc)
  }

  /**
   * P(region) with control rate sin²φ (1 − π = cos²φ, exactly): Σ_a P(a)·(P(b ≤ upper[a]) +
   * P(b ≥ lower[a])), each tail summed from its small end, so small p-values keep their digits.
   */
  probability(region: Region, phi: number, parameter: number): number {
    if (region.all) return 1
    const { nt, nc, ft, fc, below, above } = this
    const s = Math.sin(phi)
    const c = Math.cos(phi)
    const pi = s * s
    const complement = c * c
    const pt = this.family.treatment(pi, parameter)
    const qt = this.family.treatmentComplement(complement, pi, parameter)
    binomialInto(ft, nt, pt, qt, this.lft)
    binomialInto(fc, nc, pi, complement, this.lfc)
    // below[b + 1] = P(B ≤ b), above[b] = P(B ≥ b); below[0] = above[nc + 1] = 0
    let run = 0
    below[0] = 0
    for (let b = 0; b <= nc; b++) below[b + 1] = run += fc[b]!
    run = 0
    above[nc + 1] = 0
    for (let b = nc; b >= 0; b--) above[b] = run += fc[b]!
    const { upper, lower } = region
    let total = 0
    for (let a = 0; a <= nt; a++) {
      const weight = ft[a]!
      if (weight === 0) continue
      const top = upper[a]!
      const bottom = lower[a]!
      total += weight * (bottom <= top + 1 ? 1 : below[top + 1]! + above[bottom]!)
    }
    return Math.min(1, total)
  }
}

/**
 * Grid of nuisance values on the arcsine scale φ = arcsin √π: each step is the smaller of a quarter
 * of the standard deviation of the control's binomial likelihood, 1/(8√n_c), and the step that
 * moves the treatment's arcsine rate by a quarter of its own, 1/(8√n_t); so a peak of the product
 * of the two likelihoods spans at least four steps on either arm's scale.
 */
function nuisanceGrid(family: Family, nt: number, nc: number, parameter: number): number[] {
  const [lo, hi] = family.nuisance(parameter)
  const phiLo = Math.asin(Math.sqrt(lo))
  const phiHi = Math.asin(Math.sqrt(hi))
  if (!(phiHi > phiLo)) return [phiLo]
  const stepC = 1 / (2 * GRID_DENSITY * Math.sqrt(nc))
  const stepT = 1 / (2 * GRID_DENSITY * Math.sqrt(nt))
  const back = (t: number): number => {
    const pi = family.kind === 'difference' ? t - parameter : t / parameter
    return Math.asin(Math.sqrt(Math.min(1, Math.max(0, pi))))
  }
  const grid = [phiLo]
  let phi = phiLo
  while (phi < phiHi) {
    const s = Math.sin(phi)
    const t = family.treatment(s * s, parameter)
    const psi = Math.asin(Math.sqrt(t)) + stepT
    const next = Math.min(phi + stepC, psi >= Math.PI / 2 ? phiHi : back(Math.sin(psi) ** 2), phiHi)
    // A step below 1e-12 cannot resolve anything more: the treatment's scale is singular at its end.
    phi = Math.max(next, phi + 1e-12)
    grid.push(Math.min(phi, phiHi))
  }
  return grid
}

/** Local maxima refined per supremum: the few highest (a second peak is rare; more never mattered). */
const REFINED = 3
/**
 * A grid maximum is refined when within this share of the best: a peak is at least four grid steps
 * wide, so the grid misses its top by at most (1/4)²/2 ≈ 3 %.
 */
const PEAK_SHARE = 0.95

/**
 * sup over the nuisance of P(region): the grid above, then the highest local maxima of the grid
 * (within 5 % of the best, at most three) refined by Brent's search between their neighbours to
 * 1e-9 on the arcsine scale. Precision, measured on 800 p-values of random tables (arms up to 120
 * deals, random δ and ρ, both alternatives): 1.3e-13 relative at worst against the same with a grid
 * four times denser; a grid four times coarser (one standard deviation apart) missed a peak once,
 * by 2 %. Against the reference's 3000-point grid: 2e-13 over the fixture.
 */
function supremum(
  evaluator: Evaluator,
  family: Family,
  region: Region,
  parameter: number,
  nt: number,
  nc: number,
): number {
  const grid = nuisanceGrid(family, nt, nc, parameter)
  const values = grid.map((phi) => evaluator.probability(region, phi, parameter))
  let best = 0
  for (const v of values) best = Math.max(best, v)
  if (best >= 1) return 1
  const peaks: number[] = []
  for (let i = 0; i < grid.length; i++) {
    const v = values[i]!
    if (v < PEAK_SHARE * best) continue
    // strictly above the left neighbour, at least the right: one index per plateau
    if ((i > 0 && values[i - 1]! >= v) || (i < grid.length - 1 && values[i + 1]! > v)) continue
    peaks.push(i)
  }
  peaks.sort((i, j) => values[j]! - values[i]!)
  for (const i of peaks.slice(0, REFINED)) {
    const left = grid[Math.max(0, i - 1)]!
    const right = grid[Math.min(grid.length - 1, i + 1)]!
    if (right > left)
      best = Math.max(
        best,
        maximise((phi) => evaluator.probability(region, phi, parameter), left, right, grid[i]!, values[i]!),
      )
  }
  return Math.min(1, best)
}

/** Brent's minimiser (golden section with parabolic steps; R's optimize) applied to −f on [a, b], from a known point. */
function maximise(
  f: (x: number) => number,
  a: number,
  b: number,
  start: number,
  atStart: number,
  tolerance = 1e-9,
): number {
  const golden = 0.3819660112501051
  let x = start
  let w = x
  let v = x
  let fx = -atStart
  let fw = fx
  let fv = fx
  let d = 0
  let e = 0
  for (let i = 0; i < 100; i++) {
    const middle = (a + b) / 2
    const tol1 = 1e-12 * Math.abs(x) + tolerance / 3
    const tol2 = 2 * tol1
    if (Math.abs(x - middle) <= tol2 - (b - a) / 2) break
    let golden_step = true
    if (Math.abs(e) > tol1) {
      const r = (x - w) * (fx - fv)
      let q = (x - v) * (fx - fw)
      let p = (x - v) * q - (x - w) * r
      q = 2 * (q - r)
      if (q > 0) p = -p
      else q = -q
      const eLast = e
      e = d
      if (Math.abs(p) < Math.abs(0.5 * q * eLast) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q
        const u = x + d
        if (u - a < tol2 || b - u < tol2) d = x < middle ? tol1 : -tol1
        golden_step = false
      }
    }
    if (golden_step) {
      e = x < middle ? b - x : a - x
      d = golden * e
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1)
    const fu = -f(u)
    if (fu <= fx) {
      if (u < x) b = x
      else a = x
      v = w
      fv = fw
      w = x
      fw = fx
      x = u
      fx = fu
    } else {
      if (u < x) a = u
      else b = u
      if (fu <= fw || w === x) {
        v = w
        fv = fw
        w = u
        fw = fu
      } else if (fu <= fv || v === x || v === w) {
        v = u
        fv = fu
      }
    }
  }
  return -fx
}

/**
 * The exact test of one table as a function of the walk's variable x: the parameter is
 * `parameterOf(x)` (δ = x, or ρ = eˣ); pValue(x) is sup over the nuisance of P(region) (supremum).
 * Reference at no change: SciPy `barnard_exact([[x_t, x_c], [n_t − x_t, n_c − x_c]], alternative,
 * pooled=True).pvalue`. Example: 17/62 against 9/60, difference family, pValue(0) → 0.106576.
 */
export class ExactTest {
  private readonly evaluator: Evaluator
  private readonly known = new Map<number, number>()

  constructor(
    private readonly family: Family,
    private readonly table: { xt: number; nt: number; xc: number; nc: number },
    private readonly alternative: Sidedness,
    private readonly parameterOf: (x: number) => number = (x) => x,
  ) {
    this.evaluator = new Evaluator(family, table.nt, table.nc)
  }

  /** Tells the test a p-value it already has (no change: the same test for δ and ρ). */
  remember(x: number, p: number): void {
    this.known.set(x, p)
  }

  pValue(x: number): number {
    const known = this.known.get(x)
    if (known !== undefined) return known
    const { family, table, alternative } = this
    const parameter = this.parameterOf(x)
    const observed = family.statistic(table.xt, table.xc, parameter)
    const region = regionOf(family, table.nt, table.nc, observed, parameter, alternative)
    return supremum(this.evaluator, family, region, parameter, table.nt, table.nc)
  }
}

/** Interval ends are located to this width (δ in proportion points, or log ρ). */
export const END_TOLERANCE = 1e-9

/** The walk toward an interval end takes steps of this share of the distance to the score interval's end. */
export const WALK_STEP = 1 / 4

/**
 * The end, on one side, of the set of parameters accepted at level α (p ≥ α) that holds `from`
 * (an accepted point: the estimate, or a start shown accepted).
 *
 * The p-value of an exact test jumps wherever a table enters or leaves the region, so the set
 * {p ≥ α} is not an interval: near its ends it frays into accepted and rejected stretches a few
 * hundredths of a point wide (17/62 against 9/60: the lift's p-value crosses 0.05 eight times
 * between −10.5 % and −12.4 %). No algorithm finds "the first crossing" through every fray, so the
 * end is defined by this walk, which the reference repeats: steps of `step` outward from `from`
 * (doubling after 8 when the side is unbounded), every point of `anchors` (no change) visited on
 * the way, up to the first rejected point; then halving between it and the last accepted point to
 * END_TOLERANCE, the end being the accepted side. `limit` when nothing up to it is rejected.
 */
export function acceptedEnd(
  test: ExactTest,
  alpha: number,
  from: number,
  limit: number,
  step: number,
  anchors: readonly number[] = [],
): number {
  if (from === limit) return limit
  const up = limit > from
  const bounded = Number.isFinite(limit)
  let accepted = from
  let size = step
  for (let i = 0; i < 400; i++) {
    let next = up ? accepted + size : accepted - size
    for (const anchor of anchors)
      if (up ? anchor > accepted && anchor < next : anchor < accepted && anchor > next) next = anchor
    if (bounded ? (up ? next >= limit : next <= limit) : Math.abs(next) > 700) {
      if (!bounded) return limit
      next = limit
    }
    if (test.pValue(next) < alpha) {
      let rejected = next
      while (Math.abs(rejected - accepted) > END_TOLERANCE) {
        const middle = (accepted + rejected) / 2
        if (test.pValue(middle) >= alpha) accepted = middle
        else rejected = middle
      }
      return accepted
    }
    if (next === limit) return limit
    accepted = next
    if (!bounded && i >= 8) size *= 2
  }
  return limit
}
