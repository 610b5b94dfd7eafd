import { assertOneOf, assertOpenProbability } from './errors.ts'
import { assertCounts } from './counts.ts'
import { betaBinomial, type BetaBinomialResult, type Prior } from './bayes.ts'
import { chiSquare2x2, type ChiSquareResult } from './chi-square.ts'
import { newcombeDifference } from './difference.ts'
import { fisherExact, type FisherResult } from './fisher.ts'
import { relativeLift } from './relative-lift.ts'
import { wilsonInterval } from './wilson.ts'
import { twoProportionZTest, type ZTestResult } from './z-test.ts'
import { checksOf, type Check } from './checks.ts'
import { primaryAnalysis, type PrimaryEstimate, type PrimaryMethod, type PrimaryResult } from './primary.ts'
import type { Reason } from './reasons.ts'
import type { Arm, ArmCounts, Estimate, Interval } from './types.ts'

export interface SignificanceInput extends ArmCounts {
  /** level of the arms' Wilson intervals and of the checks' intervals */
  readonly confidence?: number
  readonly alternative?: 'two-sided' | 'greater'
  readonly prior?: Prior
  /** the primary analysis's level; default 1 − confidence (0.05) */
  readonly alpha?: number
  /** the primary method; default recommendPrimaryMethod on these arms at their pooled rate */
  readonly method?: PrimaryMethod
}

export interface ArmRate {
  readonly rate: number | null
  readonly interval: Interval | null
  readonly reason: Reason | null
}

export interface SignificanceResult {
  readonly control: ArmRate
  readonly treatment: ArmRate
  /** the one answer: p-value, significance and both intervals from one test (primary.ts) */
  readonly primary: PrimaryResult
  /** the primary's difference (open ends ±∞, as every Interval of stats/) */
  readonly difference: Estimate
  /** the primary's relative lift */
  readonly relativeLift: Estimate
  readonly fisher: FisherResult
  readonly chiSquare: ChiSquareResult
  readonly chiSquareYates: ChiSquareResult
  readonly zTest: ZTestResult
  readonly bayes: BetaBinomialResult
  /** the other methods, each with why it may differ from the primary */
  readonly checks: Check[]
  /**
   * Kept for compatibility: the check of the primary's family — 'chiSquare' for the score test (at
   * no change its two-sided p is Pearson's chi-square without correction), 'fisher' for the exact
   * test (the other exact test). The primary's own name is `primary.method`.
   */
  readonly recommended: 'fisher' | 'chiSquare'
  /** primary.pValue */
  readonly pValue: number | null
  /** primary.significant */
  readonly significant: boolean
}

function armRate(arm: Arm, confidence: number): ArmRate {
  const w = wilsonInterval(arm.conversions, arm.deals, confidence)
  return { rate: w.estimate, interval: w.interval, reason: w.reason }
}

/** A primary estimate in the Estimate shape of stats/: open ends as ±∞. */
export function asEstimate(part: PrimaryEstimate, reason: Reason | null): Estimate {
  const interval: Interval | null =
    part.interval === null ? null : [part.interval[0] ?? -Infinity, part.interval[1] ?? Infinity]
  return { estimate: part.estimate, interval, reason }
}

/**
 * Everything the significance calculator returns for a conversion test: the primary analysis
 * (primaryAnalysis: p-value, significance, and the difference and relative-lift intervals that
 * invert the same test), each arm's rate with its Wilson interval, and as checks Fisher's exact
 * test, Pearson's chi-square with and without Yates, the pooled z-test, Newcombe's difference,
 * Katz's lift and the Beta-Binomial probability, each with the code of why it may differ. With
 * alternative 'greater', the primary, Fisher and the z-test are one-sided (treatment better) and
 * the chi-square stays two-sided. pValue, significant, difference and relativeLift are the
 * primary's.
 * References: those of each part (primary.ts; R fisher.test, chisq.test, prop.test; statsmodels).
 * Example: treatment 17/62, control 9/60 → rates 27.4 % and 15.0 %, primary 'score' (smallest
 * expected count 9.6), p = 0.0940, not significant, difference +12.4 points [−2.2, +26.8];
 * Fisher p = 0.1223 as a check; P(treatment better) = 0.951.
 */
export function significance(input: SignificanceInput): SignificanceResult {
  assertCounts(input)
  const confidence = input.confidence ?? 0.95
  const alternative = input.alternative ?? 'two-sided'
  assertOpenProbability('confidence', confidence)
  assertOneOf('alternative', alternative, ['two-sided', 'greater'])
  const counts: ArmCounts = { control: input.control, treatment: input.treatment }
  const primary = primaryAnalysis({
    ...counts,
    alternative,
    // 1 − 0.95 is 0.050000000000000044 in doubles: the level a user meant, to 15 digits
    alpha: input.alpha ?? Number((1 - confidence).toPrecision(15)),
    ...(input.method ? { method: input.method } : {}),
  })
  return withPrimary(counts, primary, confidence, input.prior)
}

/** The calculator's whole reading around a primary analysis already made (verdict.ts uses it at a look's level). */
export function withPrimary(
  counts: ArmCounts,
  primary: PrimaryResult,
  confidence: number,
  prior?: Prior,
): SignificanceResult {
  const alternative = primary.alternative
  const fisher = fisherExact(counts, { alternative, confidence })
  const chiSquare = chiSquare2x2(counts)
  const chiSquareYates = chiSquare2x2(counts, { correct: true })
  const zTest = twoProportionZTest(counts, alternative)
  const bayes = betaBinomial(counts, prior)
  const checks = checksOf(
    {
      fisher,
      chiSquare,
      chiSquareYates,
      zTest,
      newcombe: newcombeDifference(counts, confidence),
      katz: relativeLift(counts, confidence),
      bayes,
    },
    primary.method,
    alternative,
  )
  const differenceReason = primary.pValue === null ? primary.reason : null
  const liftReason = primary.relativeLift.estimate === null ? primary.reason : null
  return {
    control: armRate(counts.control, confidence),
    treatment: armRate(counts.treatment, confidence),
    primary,
    difference: asEstimate(primary.difference, differenceReason),
    relativeLift: asEstimate(primary.relativeLift, liftReason),
    fisher,
    chiSquare,
    chiSquareYates,
    zTest,
    bayes,
    checks,
    recommended: primary.method === 'exact' ? 'fisher' : 'chiSquare',
    pValue: primary.pValue,
    significant: primary.significant,
  }
}
