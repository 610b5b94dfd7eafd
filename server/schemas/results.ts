import { z } from '@hono/zod-openapi'
import { reasonCodes } from '../../stats/index.ts'
import { Check, PrimaryAnalysis } from './calculators.ts'
import { CloseOut, CloseOutOutcome, TestPlan, TestStatus } from './test.ts'

// The shapes of the results and the portfolio, for the OpenAPI document and the web client.
// Numbers that are undefined for the data are null with a `reason` (stats/reasons.ts); an
// unbounded end of an interval is null too.
const N = z.number().nullable()
const Reason = z.enum(reasonCodes as [string, ...string[]]).nullable()
const Interval = z.tuple([N, N]).readonly().nullable()
const Estimate = z.object({ estimate: N, interval: Interval, reason: Reason })
const ArmRate = z.object({ rate: N, interval: Interval, reason: Reason })

const Headline = z
  .enum(['no_data', 'collecting', 'significant_rise', 'significant_fall', 'no_effect', 'not_proven'])
  .describe(
    'The one-line reading, from the primary analysis only: no_data until both arms have deals; significant_rise / significant_fall when the primary analysis is significant; collecting while the test is not final; then no_effect (no significant difference with at least the planned power for the expected rise) or not_proven (no significant difference, less power than planned)',
  )
  .openapi('Headline')

export const Verdict = z
  .object({
    control: ArmRate,
    treatment: ArmRate,
    difference: Estimate,
    relativeLift: Estimate,
    fisher: z.object({ pValue: N, oddsRatio: N, oddsRatioInterval: Interval, reason: Reason }),
    chiSquare: z.object({ statistic: N, pValue: N, reason: Reason }),
    chiSquareYates: z.object({ statistic: N, pValue: N, reason: Reason }),
    zTest: z.object({ z: N, pValue: N, reason: Reason }),
    bayes: z.object({ probabilityTreatmentBetter: N, expectedLoss: z.object({ treatment: N, control: N }) }),
    primary: PrimaryAnalysis.describe("THE result: the plan's primary analysis, frozen at the start"),
    checks: z.array(Check).describe('Other methods, shown apart, each with why it may differ'),
    recommended: z.enum(['fisher', 'chiSquare']),
    pValue: N,
    significant: z.boolean().nullable(),
    srm: z.object({ statistic: N, pValue: N, mismatch: z.boolean(), reason: Reason }),
    revenue: z
      .object({
        difference: z.object({ estimate: N, interval: Interval }),
        welch: z.object({ t: N, df: N, pValue: N }),
        mannWhitney: z.object({ w: N, pValue: N }).nullable(),
        reason: Reason,
      })
      .nullable(),
    power: z.object({ achieved: N, baselineRate: N, reason: Reason }),
    minimumDetectableEffect: z.object({ effect: N, reason: Reason }),
    sequential: z
      .object({
        lookNumber: z.number(),
        boundary: z.number(),
        cumulativeAlpha: z.number(),
        crossed: z.boolean(),
      })
      .nullable(),
    summary: z.object({ en: z.string(), ru: z.string() }),
  })
  .openapi('Verdict')

const ArmPoint = z.object({
  deals: z.number(),
  conversions: z.number(),
  rate: N,
  interval: Interval,
  revenuePerDeal: N,
})

export const TestResults = z
  .object({
    test: z.object({
      id: z.number(),
      name: z.string(),
      status: TestStatus,
      startedAt: z.string().nullable(),
      completedAt: z.string().nullable(),
      completionReason: z.enum(['target_reached', 'max_duration', 'manual', 'efficacy_boundary']).nullable(),
      completionDue: z
        .object({ reason: z.enum(['target_reached', 'max_duration', 'efficacy_boundary']), at: z.string() })
        .nullable()
        .describe(
          'A running test due to complete (its time is up, or its target met): the sweep or the next deals complete it; the results already read it as completed',
        ),
    }),
    currency: z.string().describe("ISO 4217 code of the workspace's money amounts"),
    timeZone: z.string().describe("The workspace's time zone: the series' days are its calendar days"),
    plan: TestPlan,
    provisional: z
      .boolean()
      .describe('Not the final analysis and not at a planned interim look: not yet a result'),
    progress: z.object({
      targetDeals: z.number(),
      deals: z.object({ control: z.number(), treatment: z.number(), total: z.number() }),
      share: z.number(),
      dealsPerWeek: z.number(),
      projectedCompletion: z.string().nullable(),
      plannedEnd: z.string().nullable(),
      minimumDurationEnds: z
        .string()
        .nullable()
        .describe('The test does not complete by its target before this'),
      targetReached: z.boolean(),
      waitingForMinimumDuration: z
        .boolean()
        .describe(
          'The target is met but the minimum duration is not over: the test keeps running until then',
        ),
    }),
    planning: z.object({
      baselineRate: N,
      expectedLift: N,
      practice: z
        .array(z.object({ deals: z.number(), power: N, minimumDetectableEffect: N }))
        .describe('What 100 and 150 deals can do for this plan'),
    }),
    headline: Headline,
    lateDeals: z.number(),
    closeOut: z.object({
      suggestion: z
        .object({
          outcome: CloseOutOutcome,
          reason: z.enum([
            'significant_rise',
            'significant_fall',
            'powered_no_effect',
            'underpowered',
            'no_data',
          ]),
        })
        .nullable()
        .describe('What the final analysis suggests the close-out says; null before the final analysis'),
      recorded: CloseOut.nullable(),
    }),
    decision: z
      .object({
        id: z.number(),
        verdict: z.string(),
        decidedAt: z.string(),
        totalsAtDecision: z
          .object({
            control: z.object({ deals: z.number(), conversions: z.number() }),
            treatment: z.object({ deals: z.number(), conversions: z.number() }),
          })
          .nullable(),
        changedSinceDecision: z
          .boolean()
          .describe('The deals changed after the decision (a later outcome, a correction)'),
      })
      .nullable()
      .describe('For a decided test: the decision and whether the data changed since'),
    verdict: Verdict,
    summary: z.string().describe('The verdict in plain words, in the requested language'),
    series: z.array(
      z.object({
        day: z.string(),
        control: ArmPoint,
        treatment: ArmPoint,
        difference: z.object({ estimate: N, interval: Interval }),
      }),
    ),
    balance: z.array(
      z.object({ stratum: z.string().nullable(), control: z.number(), treatment: z.number() }),
    ),
    interimLooks: z.array(
      z.object({
        look: z.number(),
        informationFraction: z.number(),
        deals: z.number(),
        boundary: z.number(),
        alphaSpent: z.number(),
        reached: z.boolean(),
        day: z.string().nullable(),
        z: N,
        crossed: z.boolean(),
      }),
    ),
  })
  .openapi('TestResults')

export const Portfolio = z
  .object({
    tests: z.array(
      z.object({
        id: z.number(),
        name: z.string(),
        status: TestStatus,
        hypothesisId: z.number(),
        change: z.string(),
        primaryMetric: z.string(),
        segment: z.object({ id: z.number(), name: z.string() }),
        barrierId: z.number().nullable(),
        startedAt: z.string().nullable(),
        completedAt: z.string().nullable(),
        completionReason: z.string().nullable(),
        progress: z.object({
          targetDeals: z.number(),
          deals: z.object({ control: z.number(), treatment: z.number(), total: z.number() }),
          share: z.number(),
        }),
        result: z
          .object({
            headline: Headline,
            control: ArmRate,
            treatment: ArmRate,
            difference: Estimate,
            relativeLift: Estimate,
            recommended: z.enum(['fisher', 'chiSquare']),
            pValue: N,
            significant: z.boolean().nullable(),
            probabilityTreatmentBetter: N,
            srmMismatch: z.boolean(),
            summary: z.string(),
          })
          .nullable(),
        impact: z
          .object({
            conclusive: z.boolean().describe('The primary analysis found the rise significant'),
            yearly: z.number(),
            interval: Interval,
            basis: z.object({ yearlyDeals: z.number(), valuePerConversion: z.number() }),
          })
          .nullable()
          .describe(
            "Expected yearly value of a finished test: the rise × the yearly deals at the hypothesis's stage (the segment's when not given) × the value of a conversion, with its interval; null while running",
          ),
        closeOut: z.enum(['supported', 'refuted', 'inconclusive']).nullable(),
        decision: z
          .object({
            id: z.number(),
            verdict: z.string().nullable(),
            decidedAt: z.string(),
            unprovenAcknowledged: z.boolean().describe('Rolled out without proof, acknowledged as such'),
          })
          .nullable(),
        adjustedPValue: N.describe('Adjusted over the tests concluded in the period'),
      }),
    ),
    currency: z.string().describe("ISO 4217 code of the workspace's money amounts"),
    rolledOutImpact: z
      .object({
        yearly: z.number().describe('Sum of the expected yearly value of proven roll-outs'),
        tests: z.array(z.number()).describe('The proven roll-outs it adds up'),
        unproven: z.array(z.number()).describe('Roll-outs whose rise is not proven: not counted'),
      })
      .describe('The money leadership can count on'),
    running: z.array(z.number()),
    awaitingDecision: z.array(z.number()),
    decided: z.array(z.number()),
    adjustment: z.object({
      method: z.enum(['holm', 'benjamini-hochberg']),
      from: z.string(),
      to: z.string(),
      tests: z.number(),
    }),
  })
  .openapi('Portfolio')
