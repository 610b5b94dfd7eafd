import { assertOneOf, assertOpenProbability } from './errors.ts'
import { assertCounts } from './counts.ts'
import { betaBinomial, type BetaBinomialResult, type Prior } from './bayes.ts'
import { chiSquare2x2, type ChiSquareResult } from './chi-square.ts'
import { newcombeDifference } from './difference.ts'
import { fisherExact, type FisherResult } from './fisher.ts'
import { relativeLift } from './relative-lift.ts'
import { wilsonInterval } from './wilson.ts'
import { twoProportionZTest, type ZTestResult } from './z-test.ts'
import type { Reason } from './reasons.ts'
import type { Arm, ArmCounts, Estimate, Interval } from './types.ts'

export interface SignificanceInput extends ArmCounts {
  readonly confidence?: number
  readonly alternative?: 'two-sided' | 'greater'
  readonly prior?: Prior
}

export interface ArmRate {
  readonly rate: number | null
  readonly interval: Interval | null
  readonly reason: Reason | null
}

export interface SignificanceResult {
  readonly control: ArmRate
  readonly treatment: ArmRate
  readonly difference: Estimate
  readonly relativeLift: Estimate
  readonly fisher: FisherResult
  readonly chiSquare: ChiSquareResult
  readonly chiSquareYates: ChiSquareResult
  readonly zTest: ZTestResult
  readonly bayes: BetaBinomialResult
  readonly recommended: 'fisher' | 'chiSquare'
  readonly pValue: number
  readonly significant: boolean
}

/** Below this many deals in total Fisher's exact test is recommended whatever the cell counts. */
export const FISHER_BELOW_TOTAL = 1000
/** Fisher is recommended when any expected cell count is below this (Cochran's rule). */
export const FISHER_BELOW_EXPECTED = 5

/**
 * Which test decides: Fisher's exact test when any expected count of the 2×2 table is under 5
 * (Cochran 1954) or the test has under 1000 deals in total — the practice's normal case, where
 * the exact test costs nothing and the chi-square's approximation is the weaker link; Pearson's
 * chi-square (no continuity correction, the same p as the pooled z-test) otherwise.
 */
export function recommendTest({ control, treatment }: ArmCounts): 'fisher' | 'chiSquare' {
  const total = control.deals + treatment.deals
  if (total < FISHER_BELOW_TOTAL) return 'fisher'
  const converted = control.conversions + treatment.conversions
  const smallest = Math.min(converted, total - converted) * (Math.min(control.deals, treatment.deals) / total)
  return smallest < FISHER_BELOW_EXPECTED ? 'fisher' : 'chiSquare'
}

function armRate(arm: Arm, confidence: number): ArmRate {
  const w = wilsonInterval(arm.conversions, arm.deals, confidence)
  return { rate: w.estimate, interval: w.interval, reason: w.reason }
}

/**
 * Everything the significance calculator returns for a conversion test: each arm's rate with its
 * Wilson interval, the Newcombe difference, the Katz relative lift, Fisher's exact test, Pearson's
 * chi-square with and without Yates, the pooled z-test, the Beta-Binomial probability and losses,
 * and the recommended test's p-value (see recommendTest). With alternative 'greater', Fisher and
 * the z-test are one-sided (treatment better) and the chi-square stays two-sided; the recommended
 * p-value is then Fisher's or the z-test's one-sided one. significant = p < 1 − confidence.
 * References: those of each part (R fisher.test, chisq.test, prop.test; statsmodels).
 * Example: treatment 17/62, control 9/60 → rates 27.4 % and 15.0 %, Fisher p = 0.1223,
 * P(treatment better) = 0.951, recommended 'fisher', not significant.
 */
export function significance(input: SignificanceInput): SignificanceResult {
  assertCounts(input)
  const confidence = input.confidence ?? 0.95
  const alternative = input.alternative ?? 'two-sided'
  assertOpenProbability('confidence', confidence)
  assertOneOf('alternative', alternative, ['two-sided', 'greater'])
  const counts: ArmCounts = { control: input.control, treatment: input.treatment }
  const fisher = fisherExact(counts, { alternative, confidence })
  const chiSquare = chiSquare2x2(counts)
  const zTest = twoProportionZTest(counts, alternative)
  let recommended = recommendTest(counts)
  if (chiSquare.pValue === null) recommended = 'fisher'
  const pValue =
    recommended === 'fisher' ? fisher.pValue : alternative === 'greater' ? zTest.pValue! : chiSquare.pValue!
  return {
    control: armRate(counts.control, confidence),
    treatment: armRate(counts.treatment, confidence),
    difference: newcombeDifference(counts, confidence),
    relativeLift: relativeLift(counts, confidence),
    fisher,
    chiSquare,
    chiSquareYates: chiSquare2x2(counts, { correct: true }),
    zTest,
    bayes: betaBinomial(counts, input.prior),
    recommended,
    pValue,
    significant: pValue < 1 - confidence,
  }
}
