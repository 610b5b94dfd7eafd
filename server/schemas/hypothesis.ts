import { z } from '@hono/zod-openapi'
import type { Insertable } from 'kysely'
import type { HypothesesTable, HypothesisRow } from '../../db/tables/index.ts'
import { Id, PathId, ListQuery, patchOf, requiredText, text } from './common.ts'

export const HypothesisStatus = z.enum(['draft', 'ready', 'testing', 'validated', 'refuted', 'inconclusive'])
const Ice = z.number().int().min(1).max(10)

const fields = {
  change: requiredText(2000).describe('If we change …'),
  expectedOutcome: requiredText(2000).describe('… then … (the metric and segment that should move)'),
  rationale: text(4000).default('').describe('… because …'),
  primaryMetric: requiredText(200).describe('e.g. "deal includes extra equipment"'),
  baselineRate: z
    .number()
    .gt(0)
    .lt(1)
    .nullable()
    .default(null)
    .describe('Current conversion of the metric, 0–1'),
  expectedLift: z
    .number()
    .gt(-1)
    .lt(1)
    .refine((v) => v !== 0, 'must not be zero')
    .nullable()
    .default(null)
    .describe('Expected absolute change of the rate (0.1 = ten points)'),
  valuePerConversion: z.number().min(0).max(1e12).nullable().default(null),
  yearlyEligibleDeals: z
    .number()
    .int()
    .min(0)
    .max(1e9)
    .nullable()
    .default(null)
    .describe(
      "Deals a year that pass the hypothesis's stage, for the money a roll-out is worth; the segment's yearly deals when null",
    ),
  ice: z.object({ impact: Ice, confidence: Ice, ease: Ice }).strict().nullable().default(null),
  ownerId: Id.nullable().default(null),
  status: z.enum(['draft', 'ready']).default('draft').describe('Later states are set by tests and decisions'),
}
const liftWithinRange = (h: { baselineRate?: number | null; expectedLift?: number | null }) =>
  h.baselineRate == null ||
  h.expectedLift == null ||
  (h.baselineRate + h.expectedLift > 0 && h.baselineRate + h.expectedLift < 1)
const liftMessage = { message: 'baseline plus lift must stay between 0 and 1', path: ['expectedLift'] }

export const CreateHypothesis = z
  .object({ recommendationId: Id, ...fields })
  .strict()
  .refine(liftWithinRange, liftMessage)
  .openapi('CreateHypothesis')
export const UpdateHypothesis = patchOf(fields)
  .refine(liftWithinRange, liftMessage)
  .openapi('UpdateHypothesis')
export const HypothesisQuery = ListQuery.extend({
  status: HypothesisStatus.optional(),
  owner: PathId.optional(),
  stage: PathId.optional(),
  segment: PathId.optional(),
  sort: z.enum(['id', 'score']).default('id').describe('score: highest ICE first'),
})

export const Hypothesis = z
  .object({
    id: z.number(),
    recommendationId: z.number(),
    change: z.string(),
    expectedOutcome: z.string(),
    rationale: z.string(),
    primaryMetric: z.string(),
    baselineRate: z.number().nullable(),
    expectedLift: z.number().nullable(),
    valuePerConversion: z.number().nullable(),
    yearlyEligibleDeals: z.number().nullable(),
    ice: z
      .object({ impact: z.number(), confidence: z.number(), ease: z.number(), score: z.number() })
      .nullable(),
    ownerId: z.number().nullable(),
    status: HypothesisStatus,
    createdAt: z.string(),
    updatedAt: z.string(),
    links: z.object({
      recommendation: z.number(),
      barrier: z.number().nullable(),
      stage: z.number(),
      tests: z.array(z.number()),
    }),
  })
  .openapi('Hypothesis')
export type HypothesisLinks = z.infer<typeof Hypothesis>['links']

/** ICE score: impact × confidence × ease, 1–1000. */
export const iceScore = (i: number, c: number, e: number) => i * c * e

export const toHypothesis = (r: HypothesisRow, links: HypothesisLinks): z.infer<typeof Hypothesis> => ({
  id: r.id,
  recommendationId: r.recommendation_id,
  change: r.change,
  expectedOutcome: r.expected_outcome,
  rationale: r.rationale,
  primaryMetric: r.primary_metric,
  baselineRate: r.baseline_rate,
  expectedLift: r.expected_lift,
  valuePerConversion: r.value_per_conversion,
  yearlyEligibleDeals: r.yearly_eligible_deals,
  ice:
    r.ice_impact != null && r.ice_confidence != null && r.ice_ease != null
      ? {
          impact: r.ice_impact,
          confidence: r.ice_confidence,
          ease: r.ice_ease,
          score: iceScore(r.ice_impact, r.ice_confidence, r.ice_ease),
        }
      : null,
  ownerId: r.owner_id,
  status: r.status,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  links,
})

/**
 * The row a new hypothesis inserts, from its validated input. The workspace is the writer's
 * (`insertAudited` sets it) and so is `created_by`.
 */
export const toHypothesisRow = (
  input: z.infer<typeof CreateHypothesis>,
): Omit<Insertable<HypothesesTable>, 'workspace_id'> => ({
  recommendation_id: input.recommendationId,
  change: input.change,
  expected_outcome: input.expectedOutcome,
  rationale: input.rationale,
  primary_metric: input.primaryMetric,
  baseline_rate: input.baselineRate,
  expected_lift: input.expectedLift,
  value_per_conversion: input.valuePerConversion,
  yearly_eligible_deals: input.yearlyEligibleDeals,
  owner_id: input.ownerId,
  status: input.status,
  ice_impact: input.ice?.impact ?? null,
  ice_confidence: input.ice?.confidence ?? null,
  ice_ease: input.ice?.ease ?? null,
})
