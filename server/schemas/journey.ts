import { z } from '@hono/zod-openapi'
import type { Insertable } from 'kysely'
import type {
  JourneyRow,
  SegmentRow,
  SegmentsTable,
  StageRow,
  StagesTable,
  TouchpointRow,
} from '../../db/tables/index.ts'
import { Id, freeFormMap, patchOf, requiredText, text } from './common.ts'

export const CHANNELS = [
  'email',
  'sms',
  'call',
  'website',
  'forum',
  'outdoor',
  'messenger',
  'personal_account',
  'showroom',
  'other',
] as const
export const ChannelEnum = z.enum(CHANNELS)

const segmentFields = {
  name: requiredText(200),
  description: text(4000).default(''),
  portrait: freeFormMap(
    z.record(z.string().max(100), text(1000)).refine((p) => Object.keys(p).length <= 30, 'at most 30 fields'),
  )
    .default({})
    .describe('Free-form portrait: age, city, income, interests, media, brand habits'),
  yearlyDeals: z
    .number()
    .int()
    .min(0)
    .max(1e9)
    .nullable()
    .default(null)
    .describe('Deals a year in this segment, for the expected impact'),
  valuePerConversion: z
    .number()
    .min(0)
    .max(1e12)
    .nullable()
    .default(null)
    .describe('Value of one conversion, for the expected impact'),
  dealsPerWeek: z
    .number()
    .min(0)
    .max(1e9)
    .nullable()
    .default(null)
    .describe('Closed deals a week, for how long a test will take'),
}
export const CreateSegment = z.object(segmentFields).strict().openapi('CreateSegment')
export const UpdateSegment = patchOf(segmentFields).openapi('UpdateSegment')
export const Segment = z
  .object({
    id: z.number(),
    name: z.string(),
    description: z.string(),
    portrait: z.record(z.string(), z.string()),
    yearlyDeals: z.number().nullable(),
    valuePerConversion: z.number().nullable(),
    dealsPerWeek: z.number().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Segment')

export const toSegment = (r: SegmentRow): z.infer<typeof Segment> => ({
  id: r.id,
  name: r.name,
  description: r.description,
  portrait: r.portrait,
  yearlyDeals: r.yearly_deals,
  valuePerConversion: r.value_per_conversion,
  dealsPerWeek: r.deals_per_week,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
})
/** The row a new segment inserts, from its validated input; the workspace is the writer's (`insertAudited`). */
export const toSegmentRow = (
  input: z.infer<typeof CreateSegment>,
): Omit<Insertable<SegmentsTable>, 'workspace_id'> => ({
  name: input.name,
  description: input.description,
  portrait: input.portrait,
  yearly_deals: input.yearlyDeals,
  value_per_conversion: input.valuePerConversion,
  deals_per_week: input.dealsPerWeek,
})

const journeyFields = { name: requiredText(200), description: text(4000).default('') }
export const CreateJourney = z
  .object({ segmentId: Id, ...journeyFields })
  .strict()
  .openapi('CreateJourney')
export const UpdateJourney = patchOf(journeyFields).openapi('UpdateJourney')
export const Journey = z
  .object({
    id: z.number(),
    segmentId: z.number(),
    name: z.string(),
    description: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Journey')
export const toJourney = (r: JourneyRow): z.infer<typeof Journey> => ({
  id: r.id,
  segmentId: r.segment_id,
  name: r.name,
  description: r.description,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
})

const stageFields = {
  name: requiredText(200),
  customerGoals: text(4000).default(''),
  customerThoughts: text(4000).default(''),
  customerActions: text(4000).default(''),
  brandGoals: text(4000).default(''),
  externalExperience: text(4000).default('').describe('Facts of the customer experience, no emotions'),
}
export const CreateStage = z
  .object({
    journeyId: Id,
    position: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .optional()
      .describe('0-based; appended at the end when omitted; later stages move right'),
    ...stageFields,
  })
  .strict()
  .openapi('CreateStage')
export const UpdateStage = patchOf({ position: z.number().int().min(0).max(1000), ...stageFields }).openapi(
  'UpdateStage',
)
export const Stage = z
  .object({
    id: z.number(),
    journeyId: z.number(),
    position: z.number(),
    name: z.string(),
    customerGoals: z.string(),
    customerThoughts: z.string(),
    customerActions: z.string(),
    brandGoals: z.string(),
    externalExperience: z.string(),
  })
  .openapi('Stage')
export const toStage = (r: StageRow): z.infer<typeof Stage> => ({
  id: r.id,
  journeyId: r.journey_id,
  position: r.position,
  name: r.name,
  customerGoals: r.customer_goals,
  customerThoughts: r.customer_thoughts,
  customerActions: r.customer_actions,
  brandGoals: r.brand_goals,
  externalExperience: r.external_experience,
})
/**
 * The row a new stage inserts, from its validated input, at `position` (the service decides where
 * it fits); the workspace is the writer's (`insertAudited`).
 */
export const toStageRow = (
  input: z.infer<typeof CreateStage>,
  position: number,
): Omit<Insertable<StagesTable>, 'workspace_id'> => ({
  journey_id: input.journeyId,
  position,
  name: input.name,
  customer_goals: input.customerGoals,
  customer_thoughts: input.customerThoughts,
  customer_actions: input.customerActions,
  brand_goals: input.brandGoals,
  external_experience: input.externalExperience,
})

const touchpointFields = { channel: ChannelEnum, description: requiredText(2000) }
export const CreateTouchpoint = z
  .object({ stageId: Id, ...touchpointFields })
  .strict()
  .openapi('CreateTouchpoint')
export const UpdateTouchpoint = patchOf(touchpointFields).openapi('UpdateTouchpoint')
export const Touchpoint = z
  .object({ id: z.number(), stageId: z.number(), channel: ChannelEnum, description: z.string() })
  .openapi('Touchpoint')
export const toTouchpoint = (r: TouchpointRow): z.infer<typeof Touchpoint> => ({
  id: r.id,
  stageId: r.stage_id,
  channel: r.channel,
  description: r.description,
})
