import { z } from '@hono/zod-openapi'
import { EXACT_MAX_TABLES, exactTables, reasonCodes, sampleSize, whyDifferent } from '../../stats/index.ts'

// The calculators' bodies. Field names and defaults are a contract with the web app and with
// integrators: change them only with a new route.
const Rate = z.number().gt(0).lt(1)
const Count = z.number().int().min(0).max(1e12)
// Levels are kept where their normal quantiles are finite and carry digits: a level of 1e-300 asks
// for an interval no double can hold.
const Level = z
  .number()
  .min(1e-6)
  .max(1 - 1e-6)
const Alpha = Level.default(0.05)
const Power = Level.default(0.8)
const Confidence = Level.default(0.95)
const Alternative = z
  .enum(['two-sided', 'greater'])
  .default('two-sided')
  .describe('"greater" always means treatment better')

const Arm = z
  .object({ deals: Count, conversions: Count })
  .strict()
  .refine((a) => a.conversions <= a.deals, {
    message: 'conversions must not exceed deals',
    path: ['conversions'],
  })

export const SignificanceInput = z
  .object({
    control: Arm,
    treatment: Arm,
    confidence: Confidence.describe('Level of the arms’ intervals and of the checks’ intervals'),
    alternative: Alternative,
    alpha: Level.optional().describe('Level of the primary analysis; default 1 − confidence, i.e. 0.05'),
    method: z
      .enum(['exact', 'score'])
      .optional()
      .describe(
        'Primary analysis: exact unconditional test or large-sample score test; default exact when the ' +
          'smallest expected count is under 5 (and the table is small enough to enumerate), else score',
      ),
  })
  .strict()
  .refine(
    (b) => b.method !== 'exact' || exactTables(b.control.deals, b.treatment.deals) <= EXACT_MAX_TABLES,
    {
      message: `the exact test enumerates (control deals + 1)·(treatment deals + 1) tables, at most ${EXACT_MAX_TABLES}; use "score"`,
      path: ['method'],
    },
  )
  .openapi('SignificanceInput')

export const SampleSizeInput = z
  .object({
    baselineRate: Rate.describe('Conversion of the control, 0–1'),
    minimumDetectableEffect: z
      .number()
      .gt(-1)
      .lt(1)
      .refine((v) => v !== 0, 'must not be zero')
      .describe('Absolute change to detect: 0.05 = five points'),
    alpha: Alpha,
    power: Power,
    treatmentShare: z.number().gt(0).lt(1).default(0.5),
    alternative: Alternative,
  })
  .strict()
  .refine(
    (b) => b.baselineRate + b.minimumDetectableEffect > 0 && b.baselineRate + b.minimumDetectableEffect < 1,
    {
      message: 'baseline plus effect must stay between 0 and 1',
      path: ['minimumDetectableEffect'],
    },
  )
  // An effect of 1e-9 needs more deals than a double counts exactly (1e-20: infinitely many); the
  // answer would not be a number of deals, and the primary method cannot be chosen for it. Asked
  // only of a body that passed every other check, which the statistics need.
  .refine((b) => Number.isSafeInteger(sampleSize(b).total), {
    message: 'is too small to detect: the deals it needs are past counting',
    path: ['minimumDetectableEffect'],
    when: (payload) => payload.issues.length === 0,
  })
  .openapi('SampleSizeInput')

export const PowerInput = z
  .object({
    baselineRate: Rate,
    control: z.number().int().min(2).max(1e9).describe('Deals in the control arm'),
    treatment: z.number().int().min(2).max(1e9).describe('Deals in the treatment arm'),
    alpha: Alpha,
    alternative: Alternative,
    minimumDetectableEffect: z
      .number()
      .gt(-1)
      .lt(1)
      .refine((v) => v !== 0, 'must not be zero')
      .optional(),
    power: Power,
  })
  .strict()
  .openapi('PowerInput')

const Values = z.array(z.number().finite()).min(1).max(1_000_000)
const RevenueArm = z.union([
  z.object({ values: Values }).strict(),
  z
    .object({
      mean: z.number().finite(),
      sd: z.number().finite().min(0),
      n: z.number().int().min(1).max(1e12),
    })
    .strict(),
])
export const RevenueInput = z
  .object({ control: RevenueArm, treatment: RevenueArm, confidence: Confidence, alternative: Alternative })
  .strict()
  .openapi('RevenueInput')

const Pair = z.object({ control: Count, treatment: Count }).strict()
export const SrmInput = z
  .object({
    counts: Pair.describe('Deals (or customers) in each arm'),
    planned: z
      .object({ control: z.number().positive().max(1e12), treatment: z.number().positive().max(1e12) })
      .strict()
      .refine((p) => Math.min(p.control, p.treatment) / (p.control + p.treatment) >= 1e-6, {
        message: 'each arm must plan at least a millionth of the customers',
        path: ['treatment'],
      })
      .describe('The planned split, e.g. 50/50'),
  })
  .strict()
  .openapi('SrmInput')

export const AdjustInput = z
  .object({
    pValues: z.array(z.number().min(0).max(1)).min(1).max(10_000),
    method: z.enum(['holm', 'benjamini-hochberg']),
  })
  .strict()
  .openapi('AdjustInput')

export const SequentialInput = z
  .object({
    alpha: Alpha,
    informationFractions: z
      .array(z.number().gt(0).max(1))
      .min(1)
      .max(20)
      .refine((f) => f.every((t, i) => i === 0 || t > f[i - 1]!), 'must increase')
      .describe('Share of the planned information at each look, increasing, e.g. [0.25, 0.5, 0.75, 1]'),
  })
  .strict()
  .openapi('SequentialInput')

// The calculators' replies. An undefined part is null; so is an unbounded end of an interval.
const Nullable = z.number().nullable()
const Interval = z.tuple([Nullable, Nullable]).readonly().nullable()

const Reason = z.enum(reasonCodes as [string, ...string[]]).nullable()

/** stats/primary.ts PrimaryResult: the one answer, whose p-value and intervals come from one test. */
export const PrimaryAnalysis = z
  .object({
    method: z.enum(['exact', 'score']),
    alternative: z.enum(['two-sided', 'greater']),
    alpha: z.number().describe('The level the test ran at (at an interim look: the look’s nominal level)'),
    pValue: Nullable.describe('Null only when an arm has no deals'),
    significant: z.boolean().describe('pValue < alpha; then both intervals exclude no change, and only then'),
    difference: z
      .object({ estimate: Nullable, interval: Interval })
      .describe('Treatment − control rate, as a fraction (0.05 = five points); an open end is null'),
    relativeLift: z
      .object({ estimate: Nullable, interval: Interval })
      .describe('Treatment rate / control rate − 1; an open end is null'),
    reason: Reason.describe('Why a part is null, or why the planned method could not run'),
  })
  .openapi('PrimaryAnalysis')

/** stats/checks.ts Check: another method, shown apart, with the code of why it may differ. */
export const Check = z
  .object({
    method: z.enum(['fisher', 'chiSquare', 'chiSquareYates', 'zTest', 'newcombe', 'katz', 'bayes']),
    pValue: Nullable,
    measure: z.enum(['oddsRatio', 'difference', 'relativeLift', 'probabilityTreatmentBetter']).nullable(),
    estimate: Nullable,
    interval: Interval,
    whyDifferent: z.enum(Object.keys(whyDifferent) as [string, ...string[]]),
  })
  .openapi('Check')

export const SignificanceResult = z
  .object({
    control: z.object({ rate: Nullable, interval: Interval }),
    treatment: z.object({ rate: Nullable, interval: Interval }),
    primary: PrimaryAnalysis,
    difference: z
      .object({ estimate: Nullable, interval: Interval })
      .describe('The primary analysis’s difference'),
    relativeLift: z
      .object({ estimate: Nullable, interval: Interval })
      .describe('The primary analysis’s relative lift'),
    fisher: z.object({ pValue: Nullable, oddsRatio: Nullable, oddsRatioInterval: Interval }),
    chiSquare: z.object({ statistic: Nullable, pValue: Nullable }),
    chiSquareYates: z.object({ statistic: Nullable, pValue: Nullable }),
    zTest: z.object({ z: Nullable, pValue: Nullable }),
    bayes: z.object({
      probabilityTreatmentBetter: Nullable,
      expectedLoss: z.object({ treatment: Nullable, control: Nullable }),
    }),
    checks: z.array(Check),
    recommended: z
      .enum(['fisher', 'chiSquare'])
      .describe(
        'Kept for compatibility: the check of the primary’s family (exact → fisher, score → chiSquare)',
      ),
    pValue: Nullable.describe('The primary analysis’s p-value'),
    significant: z.boolean().nullable().describe('The primary analysis’s significance'),
  })
  .openapi('SignificanceResult')
const PrimaryMethodChoice = z
  .object({
    method: z.enum(['exact', 'score']),
    reason: z
      .enum(['large_sample', 'small_expected_count', 'too_many_tables'])
      .describe(
        'large_sample: every expected count of the planned table ≥ 5; small_expected_count: below 5, so the exact test; too_many_tables: below 5 but too many tables for the exact test, so the score test',
      ),
    smallestExpected: z.number().describe('The planned table’s smallest expected count at the baseline rate'),
  })
  .describe('The primary analysis a test with these arms would freeze at start, and why')
  .openapi('PrimaryMethodChoice')
export const SampleSizeResult = z
  .object({
    control: z.number(),
    treatment: z.number(),
    total: z.number(),
    primaryMethod: PrimaryMethodChoice,
  })
  .openapi('SampleSizeResult')
export const PowerResult = z
  .object({ power: Nullable, minimumDetectableEffect: Nullable, primaryMethod: PrimaryMethodChoice })
  .openapi('PowerResult')
export const RevenueResult = z
  .object({
    difference: z.object({ estimate: Nullable, interval: Interval }),
    welch: z.object({ t: Nullable, df: Nullable, pValue: Nullable }),
    mannWhitney: z.object({ w: Nullable, pValue: Nullable }).nullable(),
  })
  .openapi('RevenueResult')
export const SrmResult = z
  .object({ statistic: Nullable, pValue: Nullable, mismatch: z.boolean() })
  .openapi('SrmResult')
export const AdjustResult = z.object({ adjusted: z.array(z.number()) }).openapi('AdjustResult')
export const SequentialResult = z
  .object({ cumulativeAlpha: z.array(z.number()), boundaries: z.array(z.number()) })
  .openapi('SequentialResult')
