import { z } from '@hono/zod-openapi'

// The calculators' bodies. Field names and defaults are a contract with the web app and with
// integrators: change them only with a new route.
const Rate = z.number().gt(0).lt(1)
const Count = z.number().int().min(0).max(1e12)
const Alpha = z.number().gt(0).lt(1).default(0.05)
const Power = z.number().gt(0).lt(1).default(0.8)
const Confidence = z.number().gt(0).lt(1).default(0.95)
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
  .object({ control: Arm, treatment: Arm, confidence: Confidence, alternative: Alternative })
  .strict()
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

export const SignificanceResult = z
  .object({
    control: z.object({ rate: Nullable, interval: Interval }),
    treatment: z.object({ rate: Nullable, interval: Interval }),
    difference: z.object({ estimate: Nullable, interval: Interval }),
    relativeLift: z.object({ estimate: Nullable, interval: Interval }),
    fisher: z.object({ pValue: Nullable, oddsRatio: Nullable, oddsRatioInterval: Interval }),
    chiSquare: z.object({ statistic: Nullable, pValue: Nullable }),
    chiSquareYates: z.object({ statistic: Nullable, pValue: Nullable }),
    zTest: z.object({ z: Nullable, pValue: Nullable }),
    bayes: z.object({
      probabilityTreatmentBetter: Nullable,
      expectedLoss: z.object({ treatment: Nullable, control: Nullable }),
    }),
    recommended: z.enum(['fisher', 'chiSquare']),
    pValue: Nullable,
    significant: z.boolean().nullable(),
  })
  .openapi('SignificanceResult')
export const SampleSizeResult = z
  .object({ control: z.number(), treatment: z.number(), total: z.number() })
  .openapi('SampleSizeResult')
export const PowerResult = z
  .object({ power: Nullable, minimumDetectableEffect: Nullable })
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
