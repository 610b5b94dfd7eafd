import { assertOneOf, assertOpenProbability } from './errors.ts'
import { centralProbabilities, supportOf, sweep, type Margins } from './hypergeometric.ts'
import { solveIncreasing } from './monotone-root.ts'
import { assertCounts, degenerateTableReason } from './counts.ts'
import type { Reason } from './reasons.ts'
import { alternatives, type Alternative, type ArmCounts, type Interval } from './types.ts'

export interface FisherResult {
  readonly pValue: number
  /** Conditional maximum-likelihood odds ratio, odds(treatment)/odds(control); 0 or Infinity at the edges of the support, as R. */
  readonly oddsRatio: number
  readonly oddsRatioInterval: Interval
  /** Set when the table cannot tell the arms apart: the odds ratio 0 and interval [0, ∞] are then R's placeholders. */
  readonly reason: Reason | null
}

// Weights below 1e-20 of the mode's change the mean and the tails near α by less than 1e-18.
const CUTOFF = 1e-20

/**
 * Fisher's exact test of the 2×2 table [[tₓ, tₙ−tₓ], [cₓ, cₙ−cₓ]] (rows treatment, control).
 *
 * Definition: conditional on the margins, X = treatment conversions is hypergeometric.
 * - two-sided p: Σ P(X = y) over tables with P(X = y) ≤ P(X = x)·(1 + 1e-7) (R's tolerance);
 * - greater: P(X ≥ x) (treatment converts better), less: P(X ≤ x);
 * - odds ratio: the conditional MLE ψ̂ solving E_ψ[X] = x under the noncentral hypergeometric;
 * - interval: ψ with P_ψ(X ≥ x) = α/2 and P_ψ(X ≤ x) = α/2 (one-sided: α, other end 0 or ∞);
 * - a table whose margins allow only itself (an arm without deals, no conversion at all, every
 *   deal converted) gives what R gives: p = 1, odds ratio 0 (R's estimate at the lower end of the
 *   support), interval [0, ∞], with the reason code saying why that carries no information.
 * Roots are found to ~1e-13 relative on log ψ; R's fisher.test uses uniroot's default tolerance
 * (~1e-4), so its printed estimate and interval agree only to about 4 digits.
 *
 * Reference: R `fisher.test(matrix(c(tₓ, cₓ, tₙ−tₓ, cₙ−cₓ), 2), alternative, conf.level)`.
 * Example: treatment 12/20, control 5/20 → p = 0.05355 (two-sided), odds ratio 4.320, interval
 * [0.9817, 21.95]; treatment 0/12, control 0/10 → p = 1, odds ratio 0, [0, ∞], 'no_conversions'.
 */
export function fisherExact(
  counts: ArmCounts,
  options: { alternative?: Alternative; confidence?: number } = {},
): FisherResult {
  assertCounts(counts)
  const alternative = options.alternative ?? 'two-sided'
  const confidence = options.confidence ?? 0.95
  assertOneOf('alternative', alternative, alternatives)
  assertOpenProbability('confidence', confidence)
  const { treatment, control } = counts
  const x = treatment.conversions
  const margins: Margins = {
    m: treatment.conversions + control.conversions,
    n: treatment.deals - treatment.conversions + control.deals - control.conversions,
    k: treatment.deals,
  }
  const [lo, hi] = supportOf(margins)
  const degenerate = degenerateTableReason(counts)
  // A degenerate table is exactly one whose margins allow only itself (lo = hi), so either half
  // of the test decides alone.
  // Stryker disable next-line LogicalOperator,ConditionalExpression: the two conditions coincide
  if (degenerate !== null || lo === hi) {
    return { pValue: 1, oddsRatio: 0, oddsRatioInterval: [0, Infinity], reason: degenerate ?? 'no_deals' }
  }
  const central = centralProbabilities(margins, x)
  const pValue =
    alternative === 'two-sided'
      ? central.twoSided
      : alternative === 'greater'
        ? central.greater
        : central.less
  const start = sampleLogOddsRatio(counts)
  const oddsRatio = x === lo ? 0 : x === hi ? Infinity : Math.exp(solveMean(margins, x, start))
  const alpha = 1 - confidence
  const lower = (a: number): number => (x === lo ? 0 : Math.exp(solveTail(margins, x, a, 'atLeast', start)))
  const upper = (a: number): number =>
    x === hi ? Infinity : Math.exp(solveTail(margins, x, a, 'atMost', start))
  const oddsRatioInterval: Interval =
    alternative === 'two-sided'
      ? [lower(alpha / 2), upper(alpha / 2)]
      : alternative === 'greater'
        ? [lower(alpha), Infinity]
        : [0, upper(alpha)]
  return { pValue, oddsRatio, oddsRatioInterval, reason: null }
}

// Only where the root finder starts: from any start it reaches the same root.
// Stryker disable all: a different start changes the steps to the root, not the root
function sampleLogOddsRatio({ treatment: t, control: c }: ArmCounts): number {
  return Math.log(
    ((t.conversions + 0.5) * (c.deals - c.conversions + 0.5)) /
      ((t.deals - t.conversions + 0.5) * (c.conversions + 0.5)),
  )
}
// Stryker restore all

/** log ψ̂ with E_ψ[X] = x; the slope of the mean in log ψ is Var_ψ(X). */
function solveMean(margins: Margins, x: number, start: number): number {
  return solveIncreasing((theta) => {
    const s = sweep(margins, Math.exp(theta), x, CUTOFF)
    const mean = s.mode + s.centred / s.total
    // The slope only steers Newton's steps; the bracket and bisection find the same root.
    // Stryker disable next-line ArithmeticOperator: the slope changes the path, not the root
    const variance = s.centredSquares / s.total - (s.centred / s.total) ** 2
    return { value: mean - x, slope: variance }
  }, start)
}

/**
 * log ψ where a tail at x equals α, on the log of the tail: d/dθ log P(X ≥ x) = E[X | X ≥ x] − E[X]
 * (increasing in θ); P(X ≤ x) decreases, so it is solved through its negative.
 */
function solveTail(
  margins: Margins,
  x: number,
  alpha: number,
  tail: 'atLeast' | 'atMost',
  start: number,
): number {
  const logAlpha = Math.log(alpha)
  return solveIncreasing((theta) => {
    const s = sweep(margins, Math.exp(theta), x, CUTOFF)
    const mean = s.centred / s.total
    if (tail === 'atLeast') {
      const logTail = Math.log(s.atLeast / s.total)
      // The slopes only steer Newton's steps; the bracket and bisection find the same root.
      // Stryker disable next-line ConditionalExpression,EqualityOperator: steers the path, not the root
      const conditional = s.atLeast > 0 ? s.atLeastCentred / s.atLeast : mean
      // Stryker disable next-line ArithmeticOperator: the slope changes the path, not the root
      return { value: logTail - logAlpha, slope: conditional - mean }
    }
    const logTail = Math.log(s.atMost / s.total)
    // Stryker disable next-line ConditionalExpression,EqualityOperator: steers the path, not the root
    const conditional = s.atMost > 0 ? s.atMostCentred / s.atMost : mean
    // Stryker disable next-line ArithmeticOperator: the slope changes the path, not the root
    return { value: logAlpha - logTail, slope: mean - conditional }
  }, start)
}
