import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import { adjustPValues, compareRevenue, obrienFlemingBoundaries, powerAnalysis, sampleRatioMismatch, sampleSize, significance } from '../../stats/index.ts'
import type { AppEnv } from '../context.ts'
import { errorResponses, json, jsonBody } from '../lib/openapi.ts'
import { validationHook } from '../lib/validation.ts'
import { AdjustInput, PowerInput, RevenueInput, SampleSizeInput, SequentialInput, SignificanceInput, SrmInput } from '../schemas/calculators.ts'

const Interval = z.array(z.number().nullable()).length(2).nullable()
const calculator = <P extends string, T extends z.ZodType, R extends z.ZodType>(path: P, body: T, summary: string, result: R) =>
  createRoute({
    method: 'post', path: `/calculators/${path}` as `/calculators/${P}`, tags: ['calculators'], summary, request: jsonBody(body),
    responses: { 200: json(result, summary), 400: errorResponses[400], 403: errorResponses[403], 413: errorResponses[413], 415: errorResponses[415] },
  })

const Nullable = z.number().nullable()

/** The analysts' everyday calculators: no sign-in, numbers in, numbers out, from stats/. */
export const calculatorRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(calculator('significance', SignificanceInput, 'Is the difference between two arms real?', z.object({
    control: z.object({ rate: Nullable, interval: Interval }), treatment: z.object({ rate: Nullable, interval: Interval }),
    difference: z.object({ estimate: Nullable, interval: Interval }), relativeLift: z.object({ estimate: Nullable, interval: Interval }),
    fisher: z.object({ pValue: Nullable, oddsRatio: Nullable, oddsRatioInterval: Interval }),
    chiSquare: z.object({ statistic: Nullable, pValue: Nullable }), chiSquareYates: z.object({ statistic: Nullable, pValue: Nullable }),
    zTest: z.object({ z: Nullable, pValue: Nullable }),
    bayes: z.object({ probabilityTreatmentBetter: Nullable, expectedLoss: z.object({ treatment: Nullable, control: Nullable }) }),
    recommended: z.enum(['fisher', 'chiSquare']), pValue: Nullable, significant: z.boolean().nullable(),
  }).openapi('SignificanceResult')), (c) => c.json(significance(c.req.valid('json')) as never, 200))
  .openapi(calculator('sample-size', SampleSizeInput, 'Deals needed per arm', z.object({ control: z.number(), treatment: z.number(), total: z.number() }).openapi('SampleSizeResult')),
    (c) => c.json(sampleSize(c.req.valid('json')), 200))
  .openapi(calculator('power', PowerInput, 'Power of given arms, and the smallest effect they detect', z.object({ power: Nullable, minimumDetectableEffect: Nullable }).openapi('PowerResult')),
    (c) => c.json(powerAnalysis(c.req.valid('json')), 200))
  .openapi(calculator('revenue', RevenueInput, 'Revenue per deal: Welch and Mann-Whitney', z.object({
    difference: z.object({ estimate: Nullable, interval: Interval }),
    welch: z.object({ t: Nullable, df: Nullable, pValue: Nullable }),
    mannWhitney: z.object({ w: Nullable, pValue: Nullable }).nullable(),
  }).openapi('RevenueResult')), (c) => c.json(compareRevenue(c.req.valid('json')) as never, 200))
  .openapi(calculator('srm', SrmInput, 'Sample ratio mismatch against the planned split', z.object({ statistic: Nullable, pValue: Nullable, mismatch: z.boolean() }).openapi('SrmResult')),
    (c) => { const b = c.req.valid('json'); return c.json(sampleRatioMismatch(b.counts, b.planned), 200) })
  .openapi(calculator('adjust', AdjustInput, 'Holm or Benjamini-Hochberg adjusted p-values, in input order', z.object({ adjusted: z.array(z.number()) }).openapi('AdjustResult')),
    (c) => { const b = c.req.valid('json'); return c.json({ adjusted: adjustPValues(b.pValues, b.method) }, 200) })
  .openapi(calculator('sequential', SequentialInput, 'O\'Brien-Fleming boundaries by Lan-DeMets alpha spending', z.object({ cumulativeAlpha: z.array(z.number()), boundaries: z.array(z.number()) }).openapi('SequentialResult')),
    (c) => { const b = c.req.valid('json'); return c.json(obrienFlemingBoundaries(b.alpha, b.informationFractions), 200) })
