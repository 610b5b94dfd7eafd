import { z } from '@hono/zod-openapi'
import type { Insertable } from 'kysely'
import type { BarrierRow, BarriersTable, RecommendationRow } from '../../db/tables/index.ts'
import { Id, PathId, ListQuery, patchOf, requiredText, text } from './common.ts'
import { ChannelEnum } from './journey.ts'

export const BarrierKind = z.enum([
  'goal_clash',
  'missing_information',
  'process_friction',
  'expectation_gap',
  'trust',
  'other',
])
export const EvidenceSource = z.enum([
  'interview',
  'nps_survey',
  'csi_survey',
  'forum',
  'web_analytics',
  'mystery_shopper',
  'other',
])
export const Severity = z.enum(['low', 'medium', 'high', 'critical'])
export const BarrierStatus = z.enum(['open', 'testing', 'addressed', 'mitigated'])

const barrierFields = {
  title: requiredText(200),
  description: text(4000).default(''),
  kind: BarrierKind,
  evidenceSource: EvidenceSource,
  evidenceQuotes: z.array(requiredText(2000)).max(50).default([]),
  shareAffected: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .default(null)
    .describe("Share of the segment's customers it hits, 0–1"),
  severity: Severity,
}
export const CreateBarrier = z
  .object({ stageId: Id, ...barrierFields })
  .strict()
  .openapi('CreateBarrier')
export const UpdateBarrier = patchOf({
  ...barrierFields,
  status: BarrierStatus.describe('Set by tests and decisions; an editor may reopen or close by hand'),
}).openapi('UpdateBarrier')
export const BarrierQuery = ListQuery.extend({
  stage: PathId.optional(),
  status: BarrierStatus.optional(),
  journey: PathId.optional(),
})

export const BarrierLinks = z.object({
  recommendations: z.array(z.number()),
  hypotheses: z.array(z.number()),
  tests: z.array(z.number()),
  decisions: z.array(z.number()),
})
export const Barrier = z
  .object({
    id: z.number(),
    stageId: z.number(),
    title: z.string(),
    description: z.string(),
    kind: BarrierKind,
    evidenceSource: EvidenceSource,
    evidenceQuotes: z.array(z.string()),
    shareAffected: z.number().nullable(),
    severity: Severity,
    status: BarrierStatus,
    createdAt: z.string(),
    updatedAt: z.string(),
    links: BarrierLinks,
  })
  .openapi('Barrier')
export type BarrierLinksT = z.infer<typeof BarrierLinks>
export const toBarrier = (r: BarrierRow, links: BarrierLinksT): z.infer<typeof Barrier> => ({
  id: r.id,
  stageId: r.stage_id,
  title: r.title,
  description: r.description,
  kind: r.kind,
  evidenceSource: r.evidence_source,
  evidenceQuotes: r.evidence_quotes,
  shareAffected: r.share_affected,
  severity: r.severity,
  status: r.status,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  links,
})

/**
 * The row a new barrier inserts, from its validated input; it starts open (the column's default).
 * The workspace is the writer's (`insertAudited` sets it) and so is `created_by`.
 */
export const toBarrierRow = (
  input: z.infer<typeof CreateBarrier>,
): Omit<Insertable<BarriersTable>, 'workspace_id'> => ({
  stage_id: input.stageId,
  title: input.title,
  description: input.description,
  kind: input.kind,
  evidence_source: input.evidenceSource,
  evidence_quotes: input.evidenceQuotes,
  share_affected: input.shareAffected,
  severity: input.severity,
})

const recommendationFields = {
  barrierId: Id.nullable()
    .default(null)
    .describe('The barrier it removes; none when it improves a stage without one'),
  text: requiredText(4000),
  channel: ChannelEnum.nullable().default(null),
}
export const CreateRecommendation = z
  .object({ stageId: Id, ...recommendationFields })
  .strict()
  .openapi('CreateRecommendation')
export const UpdateRecommendation = patchOf(recommendationFields).openapi('UpdateRecommendation')
export const RecommendationQuery = ListQuery.extend({ stage: PathId.optional(), barrier: PathId.optional() })
export const Recommendation = z
  .object({
    id: z.number(),
    stageId: z.number(),
    barrierId: z.number().nullable(),
    text: z.string(),
    channel: ChannelEnum.nullable(),
    createdAt: z.string(),
    links: z.object({ hypotheses: z.array(z.number()) }),
  })
  .openapi('Recommendation')
export const toRecommendation = (
  r: RecommendationRow,
  hypotheses: number[],
): z.infer<typeof Recommendation> => ({
  id: r.id,
  stageId: r.stage_id,
  barrierId: r.barrier_id,
  text: r.text,
  channel: r.channel,
  createdAt: r.created_at.toISOString(),
  links: { hypotheses },
})
