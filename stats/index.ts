// The public surface of stats/: pure functions, numbers in, numbers out (DESIGN.md, "stats/").
export { reasons, reasonCodes, type Reason } from './reasons.ts'
export {
  StatsInputError,
  assertArm,
  assertCount,
  assertFinite,
  assertOneOf,
  assertOpenProbability,
  assertPositive,
  assertProbability,
  assertValues,
} from './errors.ts'
export type { Alternative, Arm, ArmCounts, Estimate, Interval } from './types.ts'
export type { Sample, Moments } from './sample.ts'
export { momentsOf } from './sample.ts'

export { wilsonInterval } from './wilson.ts'
export { clopperPearsonInterval } from './clopper-pearson.ts'
export { newcombeDifference, waldDifference, agrestiCaffoDifference } from './difference.ts'
export { relativeLift } from './relative-lift.ts'
export { fisherExact, type FisherResult } from './fisher.ts'
export { chiSquare2x2, chiSquareOneDfUpper, type ChiSquareResult } from './chi-square.ts'
export { twoProportionZTest, type ZTestResult } from './z-test.ts'
export { betaBinomial, probabilityGreater, type BetaBinomialResult, type Prior } from './bayes.ts'
export { welchTTest, type WelchResult } from './welch.ts'
export { mannWhitney, type MannWhitneyResult } from './mann-whitney.ts'
export { compareRevenue, type RevenueInput, type RevenueResult } from './revenue.ts'
export { sampleRatioMismatch, SRM_THRESHOLD, type SrmResult } from './srm.ts'
export {
  sampleSize,
  requiredControlDeals,
  achievedPower,
  minimumDetectableEffect,
  powerAnalysis,
  type SampleSizeInput,
  type PowerInput,
  type PlanAlternative,
} from './power.ts'
export { adjustPValues, type AdjustMethod } from './adjust.ts'
export { obrienFlemingBoundaries, type SequentialBoundaries } from './sequential.ts'
export {
  significance,
  withPrimary,
  asEstimate,
  type SignificanceInput,
  type SignificanceResult,
  type ArmRate,
} from './significance.ts'
export {
  primaryAnalysis,
  recommendPrimaryMethod,
  exactTables,
  primaryMethods,
  primaryMethodChoice,
  EXACT_BELOW_EXPECTED,
  EXACT_MAX_TABLES,
  type PrimaryMethod,
  type PrimaryInput,
  type PrimaryResult,
  type PrimaryEstimate,
  type OpenInterval,
} from './primary.ts'
export { checksOf, whyDifferent, type Check, type CheckMethod, type WhyDifferent } from './checks.ts'
export { verdict, type Verdict, type VerdictInput, type Plan } from './verdict.ts'
export { summarize, type SummaryLabels } from './summary.ts'

export { normalCdf, normalUpper, normalDensity, normalQuantile } from './distributions/normal.ts'
export { studentTCdf, studentTUpper, studentTQuantile } from './distributions/student-t.ts'
export { betaTails, betaDensity, betaQuantile } from './distributions/beta.ts'
export { logGamma } from './distributions/log-gamma.ts'
