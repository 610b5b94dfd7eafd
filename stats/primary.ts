import { assertOneOf, assertOpenProbability, assertProbability, assertCount } from './errors.ts'
import { assertCounts } from './counts.ts'
import { acceptedEnd, differenceFamily, ExactTest, ratioFamily, WALK_STEP } from './exact-unconditional.ts'
import {
  criticalValue,
  differenceScore,
  invertScore,
  pooledZ,
  ratioScore,
  scorePValue,
  type Sidedness,
} from './score-test.ts'
import type { Reason } from './reasons.ts'
import type { ArmCounts } from './types.ts'

/** The plan's primary test: exact unconditional (small tables) or the large-sample score test. */
export type PrimaryMethod = 'exact' | 'score'
export const primaryMethods: readonly PrimaryMethod[] = ['exact', 'score']

/** `[lower, upper]`; an open (unbounded) end is null. */
export type OpenInterval = readonly [number | null, number | null]

export interface PrimaryEstimate {
  readonly estimate: number | null
  readonly interval: OpenInterval | null
}

export interface PrimaryInput extends ArmCounts {
  /** absent: recommendPrimaryMethod on these arms with their pooled rate as the baseline */
  readonly method?: PrimaryMethod
  readonly alternative?: Sidedness
  readonly alpha?: number
}

export interface PrimaryResult {
  readonly method: PrimaryMethod
  readonly alternative: Sidedness
  readonly alpha: number
  /** null only with reason 'no_deals' */
  readonly pValue: number | null
  /** pValue < alpha; then, and only then, both intervals exclude no change */
  readonly significant: boolean
  /** p_t − p_c as a fraction (0.05 = five points), with the interval inverting the same test */
  readonly difference: PrimaryEstimate
  /** p_t/p_c − 1, with the interval inverting the same test (for the ratio) */
  readonly relativeLift: PrimaryEstimate
  /** why a part is null, or why the analysis is not the planned one; null when nothing is */
  readonly reason: Reason | null
}

/** Cochran (1954): the large-sample test needs every expected count of the 2×2 table to be ≥ 5. */
export const EXACT_BELOW_EXPECTED = 5
/**
 * The exact test's p-value sums over all (n_c + 1)(n_t + 1) tables, at each of the ~160 parameter
 * values its intervals try: up to this many tables (200 deals per arm) an analysis takes ~0.13 s of
 * CPU; beyond, its cost grows with the tables and the score test is used instead (see
 * recommendPrimaryMethod).
 */
export const EXACT_MAX_TABLES = 40_401

/** How many tables the exact test would visit for these arms. */
export function exactTables(controlDeals: number, treatmentDeals: number): number {
  return (controlDeals + 1) * (treatmentDeals + 1)
}

/**
 * The default primary method, chosen at design time from the planned arms (before any data):
 * 'exact' when the planned table is small — its smallest expected count, min(n_c, n_t)·min(p, 1 − p)
 * under the baseline rate p, is below 5 (Cochran 1954, the rule under which the chi-square's
 * normal approximation, the score test at no change, is trusted) — and the exact test's cost is
 * bounded ((n_c + 1)(n_t + 1) ≤ EXACT_MAX_TABLES); 'score' otherwise. Below 5 expected the score
 * test's actual size can exceed α; the exact unconditional test with the same (score) statistic is
 * the recommended replacement (Lydersen, Fagerland & Laake 2009, "Recommended tests for
 * association in 2×2 tables", Stat Med 28:1159). Past the cost bound (over ~200 deals per arm with
 * under 5 expected conversions, i.e. rates under 2.5 %) the score test is used whatever the
 * expected count: down to 1 expected the chi-square keeps its size (Campbell 2007, Stat Med 26:3661,
 * for the N−1 form; ours differs from it by N/(N−1) < 0.3 % there); below 1 expected conversion
 * per arm — under 0.5 % at 200 deals — a test can hardly tell the arms apart at all, and the
 * plan's power says so.
 * Example: 60 + 60 deals at a 15 % baseline → smallest expected 9 → 'score'; 60 + 60 at 5 % → 3 →
 * 'exact'; 1000 + 1000 at 0.3 % → 3, but 10⁶ tables → 'score'.
 */
export function recommendPrimaryMethod(plan: {
  readonly controlDeals: number
  readonly treatmentDeals: number
  readonly baselineRate: number
}): PrimaryMethod {
  return primaryMethodChoice(plan).method
}

/**
 * Why the design chooses the method recommendPrimaryMethod names, for the design screen: the
 * smallest expected count of the planned table and which rule decided — 'large_sample' (every
 * expected count ≥ 5), 'small_expected_count' (below 5, and the exact test affordable) or
 * 'too_many_tables' (below 5, but past EXACT_MAX_TABLES, so the score test).
 */
export function primaryMethodChoice(plan: {
  readonly controlDeals: number
  readonly treatmentDeals: number
  readonly baselineRate: number
}): {
  method: PrimaryMethod
  reason: 'large_sample' | 'small_expected_count' | 'too_many_tables'
  smallestExpected: number
} {
  assertCount('controlDeals', plan.controlDeals)
  assertCount('treatmentDeals', plan.treatmentDeals)
  assertProbability('baselineRate', plan.baselineRate)
  const smallestExpected =
    Math.min(plan.controlDeals, plan.treatmentDeals) * Math.min(plan.baselineRate, 1 - plan.baselineRate)
  if (smallestExpected >= EXACT_BELOW_EXPECTED)
    return { method: 'score', reason: 'large_sample', smallestExpected }
  return exactTables(Math.ceil(plan.controlDeals), Math.ceil(plan.treatmentDeals)) <= EXACT_MAX_TABLES
    ? { method: 'exact', reason: 'small_expected_count', smallestExpected }
    : { method: 'score', reason: 'too_many_tables', smallestExpected }
}

/**
 * The plan's one primary analysis of a conversion test: p-value, significance, and the intervals of
 * the difference and of the relative lift, both inverting the very test that gives the p-value, so
 * that significant ⇔ p < α ⇔ the difference interval excludes 0 ⇔ the lift interval excludes 0.
 *
 * 'score' — the large-sample score test of two independent proportions. At no change its statistic
 * is the pooled z (Pearson's chi-square without correction is z²): two-sided p = 2(1 − Φ(|z|)),
 * 'greater' p = 1 − Φ(z). The difference interval is {δ : |T_δ| < z_{1−α/2}} (one-sided
 * {δ : T_δ < z_{1−α}}), T_δ the score statistic for p_t − p_c = δ with the restricted MLE of
 * Farrington & Manning (1990; Mee 1984), no N/(N−1) factor; the lift interval likewise with the
 * score statistic for p_t/p_c = ρ (Koopman 1984; Miettinen & Nurminen 1985 without their
 * correction), minus 1. Both statistics are the pooled z at no change, hence the equivalence.
 * References: the p-value is R `prop.test(c(x_t, x_c), c(n_t, n_c), correct = FALSE)` and statsmodels
 * `test_proportions_2indep(x_t, n_t, x_c, n_c, method='score', compare='ratio', correction=False)`;
 * the ratio interval statsmodels `confint_proportions_2indep(..., method='score', compare='ratio',
 * correction=False)` (Nam's closed form of Koopman's interval). statsmodels' 'diff' score
 * interval cannot serve: its cubic has count0 for nobs0 (statsmodels #10269) and, in 0.13, it
 * ignores correction=False (#8704); the difference interval's reference solves the likelihood
 * equation numerically (scripts/reference/primary.py).
 *
 * 'exact' — the exact unconditional test with the same statistic (Barnard 1947 with the pooled z:
 * Suissa & Shuster 1985): p = sup over the common rate π of P_π(|T| ≥ |t_obs|) (or T ≥ t_obs),
 * summing both arms' binomial probabilities over all (n_t + 1)(n_c + 1) tables, ties to 1e-10
 * relative; the sup by a grid a quarter of a likelihood's standard deviation apart on both arms'
 * arcsine scales and Brent's search at its highest maxima (1e-13 relative, see
 * exact-unconditional.ts). The intervals invert that test at each δ (or ρ) with the score statistic
 * for δ (or ρ) and the nuisance range the null allows (Chan & Zhang 1999; Agresti & Min 2002, whose
 * two-sided inversion keeps the p-value's two-sidedness). The exact p-value is not monotone in δ,
 * so an interval is the accepted set {p ≥ α} around the estimate, walked outward in steps of a
 * quarter of the distance to the score interval's end and located to 1e-10; if p ≥ α at no change
 * but a dip below α lies between it and the estimate, the interval is extended to cover no change.
 * At no change the difference and the ratio test are one test (same statistic, same null set), so
 * the equivalence holds by construction.
 * References: the p-value is SciPy `scipy.stats.barnard_exact([[x_t, x_c], [n_t − x_t, n_c − x_c]],
 * alternative, pooled=True)` (its optimiser and its exact floating-point ties, see the test); the
 * intervals an independent implementation (scripts/reference/primary.py: dense grids, brentq).
 *
 * Edges: an arm without deals → everything null, reason 'no_deals'. No conversion in the control:
 * lift null with 'control_has_no_conversions' (or 'no_conversions' when neither arm has one), its
 * interval's upper end open. No conversion in the treatment: lift −100 % and the interval's lower end
 * −100 %. No conversion at all, or every deal converted: the arms cannot differ, p = 1 (two-sided).
 * A plan's 'exact' on arms beyond EXACT_MAX_TABLES is answered by 'score' with reason
 * 'exact_beyond_size'.
 *
 * Cost (scripts/reference/measure-timing.ts, CPU time on the shared 2-core machine; wall time was
 * 3–4 times more under others' load): score at 75 + 75 deals 11 µs; exact at 75 + 75 deals 41 ms
 * two-sided (~160 suprema over the nuisance, four interval ends) and 19 ms 'greater', at 20 + 20
 * 9 ms, at 200 + 200 (the size limit) 0.13 s.
 * Example: treatment 12/20, control 5/20, two-sided, α 0.05 — score: p = 0.0252, difference
 * +35 points [+4.4, +59.7], lift +140 % [+10.7 %, +469 %], significant; exact: p = 0.0296, difference
 * [+4.0, +60.4], lift [+9.3 %, +619 %], significant — where Fisher's p = 0.0536 would not be.
 */
export function primaryAnalysis(input: PrimaryInput): PrimaryResult {
  assertCounts(input)
  const alternative = input.alternative ?? 'two-sided'
  const alpha = input.alpha ?? 0.05
  assertOneOf('alternative', alternative, ['two-sided', 'greater'])
  assertOpenProbability('alpha', alpha)
  const { control, treatment } = input
  const planned =
    input.method ??
    recommendPrimaryMethod({
      controlDeals: control.deals,
      treatmentDeals: treatment.deals,
      baselineRate:
        control.deals + treatment.deals > 0
          ? (control.conversions + treatment.conversions) / (control.deals + treatment.deals)
          : 0,
    })
  assertOneOf('method', planned, primaryMethods)
  if (control.deals === 0 || treatment.deals === 0) {
    const none = { estimate: null, interval: null }
    return {
      method: planned,
      alternative,
      alpha,
      pValue: null,
      significant: false,
      difference: none,
      relativeLift: none,
      reason: 'no_deals',
    }
  }
  const beyond = planned === 'exact' && exactTables(control.deals, treatment.deals) > EXACT_MAX_TABLES
  const method: PrimaryMethod = beyond ? 'score' : planned
  const table = { xt: treatment.conversions, nt: treatment.deals, xc: control.conversions, nc: control.deals }
  const raw =
    method === 'score' ? scoreReading(table, alternative, alpha) : exactReading(table, alternative, alpha)
  return assemble(method, alternative, alpha, table, raw, beyond ? 'exact_beyond_size' : null)
}

interface Table {
  readonly xt: number
  readonly nt: number
  readonly xc: number
  readonly nc: number
}

/** A reading on the parameters' own scales: δ, and log ρ (±∞ at ρ = 0 or ∞). */
interface Reading {
  readonly pValue: number
  readonly difference: [number, number]
  readonly logRatio: [number, number]
}

function logRatioEstimate({ xt, nt, xc, nc }: Table): number {
  if (xt === 0 && xc === 0) return NaN
  if (xc === 0) return Infinity
  if (xt === 0) return -Infinity
  return Math.log(xt / nt / (xc / nc))
}

function scoreReading(table: Table, alternative: Sidedness, alpha: number): Reading {
  const { xt, nt, xc, nc } = table
  const critical = criticalValue(alpha, alternative)
  const sides = alternative === 'two-sided' ? 'both' : 'lower'
  const difference = invertScore(
    (delta) => differenceScore(xt, nt, xc, nc, delta),
    xt / nt - xc / nc,
    [-1, 1],
    critical,
    sides,
  )
  const estimate = logRatioEstimate(table)
  const logRatio = invertScore(
    (lambda) => ratioScore(xt, nt, xc, nc, Math.exp(lambda)),
    Number.isFinite(estimate) ? estimate : 0,
    [-Infinity, Infinity],
    critical,
    sides,
  )
  return { pValue: scorePValue(pooledZ(xt, nt, xc, nc), alternative), difference, logRatio }
}

function exactReading(table: Table, alternative: Sidedness, alpha: number): Reading {
  const { xt, nt, xc, nc } = table
  const score = scoreReading(table, alternative, alpha)
  const difference = new ExactTest(differenceFamily(nt, nc), table, alternative)
  const pValue = difference.pValue(0)
  // At no change the difference and the ratio test are one test: the ratio reuses its p-value.
  difference.remember(0, pValue)
  const ratio = new ExactTest(ratioFamily(nt, nc), table, alternative, Math.exp)
  ratio.remember(0, pValue)
  const two = alternative === 'two-sided'

  const estimate = xt / nt - xc / nc
  const stepOf = (guess: number, from: number, fallback: number): number =>
    Number.isFinite(guess) && guess !== from ? Math.abs(guess - from) * WALK_STEP : fallback
  const differenceEnds: [number, number] = [
    acceptedEnd(difference, alpha, estimate, -1, stepOf(score.difference[0], estimate, 0.05), [0]),
    two ? acceptedEnd(difference, alpha, estimate, 1, stepOf(score.difference[1], estimate, 0.05), [0]) : 1,
  ]
  coverNoChange(
    differenceEnds,
    pValue >= alpha,
    (limit) =>
      acceptedEnd(
        difference,
        alpha,
        0,
        limit,
        stepOf(limit < 0 ? score.difference[0] : score.difference[1], 0, 0.05),
      ),
    [-1, 1],
  )

  let logRatio: [number, number]
  const lambda = logRatioEstimate(table)
  if (Number.isNaN(lambda))
    logRatio = [-Infinity, Infinity] // no conversion: every table ties, p ≡ 1
  else {
    // The walk needs an accepted start: the estimate, or, where it is 0 or ∞, a point inside the
    // score interval moved outward until accepted (p → 1 toward the estimate) and on the side of
    // no change that the p-value there says.
    const start = Number.isFinite(lambda)
      ? lambda
      : acceptedStart(ratio, alpha, lambda, score.logRatio, pValue)
    logRatio = [
      lambda === -Infinity
        ? -Infinity
        : acceptedEnd(ratio, alpha, start, -Infinity, stepOf(score.logRatio[0], start, 0.25), [0]),
      !two || lambda === Infinity
        ? Infinity
        : acceptedEnd(ratio, alpha, start, Infinity, stepOf(score.logRatio[1], start, 0.25), [0]),
    ]
    coverNoChange(logRatio, pValue >= alpha, (limit) => acceptedEnd(ratio, alpha, 0, limit, 0.25), [
      -Infinity,
      Infinity,
    ])
  }
  return { pValue, difference: differenceEnds, logRatio }
}

/**
 * When no change (0 on the scale) is accepted but lies outside the interval — a dip below α between
 * it and the estimate — the interval is extended to the end of no change's own accepted set.
 */
function coverNoChange(
  interval: [number, number],
  accepted: boolean,
  endToward: (limit: number) => number,
  [lowest, highest]: readonly [number, number],
): void {
  if (!accepted) return
  if (interval[0] > 0) interval[0] = endToward(lowest)
  else if (interval[1] < 0) interval[1] = endToward(highest)
}

function acceptedStart(
  test: ExactTest,
  alpha: number,
  estimate: number,
  score: readonly [number, number],
  pNoChange: number,
): number {
  const toward = estimate > 0 ? 1 : -1
  const guess = estimate > 0 ? score[0] : score[1]
  let start = Number.isFinite(guess) ? guess + toward : toward
  // on the estimate's side of no change when no change is rejected
  if (pNoChange < alpha && start * toward <= 0) start = toward
  let size = 1
  while (test.pValue(start) < alpha && Math.abs(start) < 700) {
    start += toward * size
    size *= 2
  }
  return start
}

function assemble(
  method: PrimaryMethod,
  alternative: Sidedness,
  alpha: number,
  { xt, nt, xc, nc }: Table,
  raw: Reading,
  planReason: Reason | null,
): PrimaryResult {
  const significant = raw.pValue < alpha
  const [dLower, dUpper] = consistent([...raw.difference], 0, significant)
  const [rLower, rUpper] = consistent(
    raw.logRatio.map((v) => Math.exp(v)),
    1,
    significant,
  )
  const greater = alternative === 'greater'
  const liftReason: Reason | null = xc > 0 ? null : xt === 0 ? 'no_conversions' : 'control_has_no_conversions'
  return {
    method,
    alternative,
    alpha,
    pValue: raw.pValue,
    significant,
    difference: { estimate: xt / nt - xc / nc, interval: [dLower!, greater ? null : dUpper!] },
    relativeLift: {
      estimate: xc > 0 ? xt / nt / (xc / nc) - 1 : null,
      interval: [rLower! - 1, greater || !Number.isFinite(rUpper!) ? null : rUpper! - 1],
    },
    reason: liftReason ?? planReason,
  }
}

/**
 * Ends within 1e-9 of no change are put on the side the p-value says (a root found to 1e-15 can still
 * land on the wrong side of 0 when p is within rounding of α); larger disagreements are left for the
 * tests to catch.
 */
function consistent(interval: number[], noChange: number, significant: boolean): number[] {
  const [lower, upper] = interval as [number, number]
  const near = (v: number): boolean => Math.abs(v - noChange) <= 1e-9 * Math.max(1, Math.abs(noChange))
  const covers = lower <= noChange && noChange <= upper
  if (significant && covers) {
    if (near(lower) && lower <= noChange)
      interval[0] = noChange + Math.max(Number.MIN_VALUE, noChange * 1e-15)
    else if (near(upper)) interval[1] = noChange - Math.max(Number.MIN_VALUE, noChange * 1e-15)
  } else if (!significant && !covers) {
    if (near(lower)) interval[0] = noChange
    else if (near(upper)) interval[1] = noChange
  }
  return interval
}
