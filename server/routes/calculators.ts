import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import {
  adjustPValues,
  compareRevenue,
  obrienFlemingBoundaries,
  powerAnalysis,
  primaryMethodChoice,
  sampleRatioMismatch,
  sampleSize,
  significance,
} from '../../stats/index.ts'
import type { AppEnv } from '../context.ts'
import { errorResponses, json, jsonBody } from '../lib/openapi.ts'
import { validationHook } from '../lib/validation.ts'
import {
  AdjustInput,
  AdjustResult,
  PowerInput,
  PowerResult,
  RevenueInput,
  RevenueResult,
  SampleSizeInput,
  SampleSizeResult,
  SequentialInput,
  SequentialResult,
  SignificanceInput,
  SignificanceResult,
  SrmInput,
  SrmResult,
} from '../schemas/calculators.ts'

const calculator = <P extends string, T extends z.ZodType, R extends z.ZodType>(
  path: P,
  body: T,
  summary: string,
  result: R,
) =>
  createRoute({
    method: 'post',
    path: `/calculators/${path}` as `/calculators/${P}`,
    tags: ['calculators'],
    summary,
    request: jsonBody(body),
    responses: {
      200: json(result, summary),
      400: errorResponses[400],
      403: errorResponses[403],
      413: errorResponses[413],
      415: errorResponses[415],
    },
  })

/** The analysts' everyday calculators: no sign-in, numbers in, numbers out, from stats/. */
export const calculatorRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(
    calculator(
      'significance',
      SignificanceInput,
      'Is the difference between two arms real?',
      SignificanceResult,
    ),
    (c) => c.json(significance(c.req.valid('json')) as never, 200),
  )
  .openapi(calculator('sample-size', SampleSizeInput, 'Deals needed per arm', SampleSizeResult), (c) => {
    const input = c.req.valid('json')
    const arms = sampleSize(input)
    const primaryMethod = primaryMethodChoice({
      controlDeals: arms.control,
      treatmentDeals: arms.treatment,
      baselineRate: input.baselineRate,
    })
    return c.json({ ...arms, primaryMethod }, 200)
  })
  .openapi(
    calculator('power', PowerInput, 'Power of given arms, and the smallest effect they detect', PowerResult),
    (c) => {
      const input = c.req.valid('json')
      const primaryMethod = primaryMethodChoice({
        controlDeals: input.control,
        treatmentDeals: input.treatment,
        baselineRate: input.baselineRate,
      })
      return c.json({ ...powerAnalysis(input), primaryMethod }, 200)
    },
  )
  .openapi(
    calculator('revenue', RevenueInput, 'Revenue per deal: Welch and Mann-Whitney', RevenueResult),
    (c) => c.json(compareRevenue(c.req.valid('json')) as never, 200),
  )
  .openapi(calculator('srm', SrmInput, 'Sample ratio mismatch against the planned split', SrmResult), (c) => {
    const b = c.req.valid('json')
    return c.json(sampleRatioMismatch(b.counts, b.planned), 200)
  })
  .openapi(
    calculator(
      'adjust',
      AdjustInput,
      'Holm or Benjamini-Hochberg adjusted p-values, in input order',
      AdjustResult,
    ),
    (c) => {
      const b = c.req.valid('json')
      return c.json({ adjusted: adjustPValues(b.pValues, b.method) }, 200)
    },
  )
  .openapi(
    calculator(
      'sequential',
      SequentialInput,
      "O'Brien-Fleming boundaries by Lan-DeMets alpha spending",
      SequentialResult,
    ),
    (c) => {
      const b = c.req.valid('json')
      return c.json(obrienFlemingBoundaries(b.alpha, b.informationFractions), 200)
    },
  )
