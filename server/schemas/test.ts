import { z } from '@hono/zod-openapi'
import type { Insertable, Updateable } from 'kysely'
import { plannedLookDeals } from '../lib/looks.ts'
import type { DecisionRow, TestPlan as TestPlanT, TestRow, TestsTable } from '../../db/tables/index.ts'
import { Id, PathId, ListQuery, patchOf, requiredText, text } from './common.ts'

export const TestStatus = z.enum(['draft', 'running', 'paused', 'completed', 'decided'])
export const Alternative = z.enum(['two-sided', 'greater'])
export const PrimaryMethod = z.enum(['exact', 'score'])

/** The most deals a plan may target: the database's check on tests.target_deals. */
export const MAX_TARGET_DEALS = 100_000_000

const planFields = {
  controlShare: z.number().gt(0).lt(1).default(0.5).describe('Share of customers held out as control'),
  targetDeals: z
    .number()
    .int()
    .min(2)
    .max(MAX_TARGET_DEALS)
    .optional()
    .describe(
      'Closed deals in both arms together; from the power calculation of the hypothesis when omitted',
    ),
  alpha: z.number().gt(0).lt(0.5).default(0.05),
  power: z.number().gt(0).lt(1).default(0.8),
  alternative: Alternative.default('two-sided').describe('"greater": only a rise of treatment counts'),
  minDurationDays: z.number().int().min(0).max(3650).default(0),
  maxDurationDays: z.number().int().min(1).max(3650).default(180),
  interimLooks: z.number().int().min(0).max(10).default(0),
  assignmentMethod: z.enum(['hash', 'stratified_blocks']).default('hash'),
  blockSize: z.number().int().min(2).max(100).default(4),
  primaryMethod: PrimaryMethod.nullable()
    .default(null)
    .describe(
      'The primary analysis; null: chosen at the start from the planned arms (exact for small tables)',
    ),
  stopForEfficacy: z
    .boolean()
    .default(false)
    .describe('With interim looks: crossing the efficacy boundary at a look completes the test'),
}
const durationsOrdered = (p: { minDurationDays?: number; maxDurationDays?: number }) =>
  p.minDurationDays === undefined || p.maxDurationDays === undefined || p.minDurationDays <= p.maxDurationDays
const durationMessage = { message: 'must not be shorter than minDurationDays', path: ['maxDurationDays'] }

export const PlanInput = z.object(planFields).strict().refine(durationsOrdered, durationMessage)
export const CreateTest = z
  .object({ hypothesisId: Id, name: requiredText(200), plan: PlanInput.default(PlanInput.parse({})) })
  .strict()
  .openapi('CreateTest')
export const UpdateTest = z
  .object({
    name: requiredText(200).optional(),
    plan: patchOf(planFields).refine(durationsOrdered, durationMessage).optional(),
    amendmentReason: text(2000)
      .pipe(z.string().min(1))
      .optional()
      .describe('Required to change the plan of a started test: the change is then recorded as an amendment'),
  })
  .strict()
  .openapi('UpdateTest')
export const CompleteTest = z
  .object({
    reason: text(2000)
      .pipe(z.string().min(1))
      .optional()
      .describe('Why the test is completed before its target or its end; kept in the audit log'),
  })
  .strict()
  .openapi('CompleteTest')
export const TestQuery = ListQuery.extend({ status: TestStatus.optional(), hypothesis: PathId.optional() })

export const TestPlan = z
  .object({
    controlShare: z.number(),
    targetDeals: z.number(),
    alpha: z.number(),
    power: z.number(),
    alternative: Alternative,
    minDurationDays: z.number(),
    maxDurationDays: z.number(),
    interimLooks: z.number(),
    assignmentMethod: z.enum(['hash', 'stratified_blocks']),
    blockSize: z.number(),
    primaryMethod: PrimaryMethod.nullable().describe('null until the start settles it'),
    stopForEfficacy: z.boolean(),
    lookDeals: z
      .array(z.number())
      .describe('Deals in both arms at each look; the last is the final analysis'),
  })
  .openapi('TestPlan')

export const CloseOutOutcome = z.enum(['supported', 'refuted', 'inconclusive'])
export const CloseOut = z
  .object({
    outcome: CloseOutOutcome,
    suggested: CloseOutOutcome.describe('What the primary analysis and the achieved power suggested'),
    learnings: z.string(),
    closedOutBy: z.number().nullable(),
    closedOutAt: z.string(),
  })
  .openapi('CloseOut')
export const CreateCloseOut = z
  .object({
    outcome: CloseOutOutcome.describe('Whether the hypothesis held; its status follows'),
    learnings: text(4000).default('').describe('What was learned, in a few lines'),
  })
  .strict()
  .openapi('CreateCloseOut')

export const Test = z
  .object({
    id: z.number(),
    hypothesisId: z.number(),
    name: z.string(),
    status: TestStatus,
    plan: TestPlan,
    frozenPlan: TestPlan.nullable().describe('The plan as it was when the test started'),
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    completionReason: z.enum(['target_reached', 'max_duration', 'manual', 'efficacy_boundary']).nullable(),
    closeOut: CloseOut.nullable().describe("The analyst's close-out of the completed test; null before it"),
    createdAt: z.string(),
    updatedAt: z.string(),
    links: z.object({
      hypothesis: z.number(),
      barrier: z.number().nullable(),
      decision: z.number().nullable(),
    }),
  })
  .openapi('Test')
export type TestLinks = z.infer<typeof Test>['links']

/** The plan of a draft, from its columns. */
export const planOf = (r: TestRow): TestPlanT => ({
  controlShare: r.control_share,
  targetDeals: r.target_deals,
  alpha: r.alpha,
  power: r.power,
  alternative: r.alternative,
  minDurationDays: r.min_duration_days,
  maxDurationDays: r.max_duration_days,
  interimLooks: r.interim_looks,
  assignmentMethod: r.assignment_method,
  blockSize: r.block_size,
  ...(r.primary_method ? { primaryMethod: r.primary_method } : {}),
  stopForEfficacy: r.stop_for_efficacy,
})

type PlanFields = Partial<Omit<TestPlanT, 'lookDeals'>> & {
  primaryMethod?: TestPlanT['primaryMethod'] | null
}

/** The plan's columns of a test row, for the fields given. */
export function toPlanColumns(plan: PlanFields): Updateable<TestsTable> {
  const columns: Updateable<TestsTable> = {}
  if (plan.controlShare !== undefined) columns.control_share = plan.controlShare
  if (plan.targetDeals !== undefined) columns.target_deals = plan.targetDeals
  if (plan.alpha !== undefined) columns.alpha = plan.alpha
  if (plan.power !== undefined) columns.power = plan.power
  if (plan.alternative !== undefined) columns.alternative = plan.alternative
  if (plan.minDurationDays !== undefined) columns.min_duration_days = plan.minDurationDays
  if (plan.maxDurationDays !== undefined) columns.max_duration_days = plan.maxDurationDays
  if (plan.interimLooks !== undefined) columns.interim_looks = plan.interimLooks
  if (plan.assignmentMethod !== undefined) columns.assignment_method = plan.assignmentMethod
  if (plan.blockSize !== undefined) columns.block_size = plan.blockSize
  if (plan.primaryMethod !== undefined) columns.primary_method = plan.primaryMethod
  if (plan.stopForEfficacy !== undefined) columns.stop_for_efficacy = plan.stopForEfficacy
  return columns
}

/** A new draft test's row. */
export function toTestRow(
  input: { workspaceId: number; hypothesisId: number; name: string; createdBy: number | null },
  plan: z.infer<typeof PlanInput> & { targetDeals: number },
): Insertable<TestsTable> {
  return {
    workspace_id: input.workspaceId,
    hypothesis_id: input.hypothesisId,
    name: input.name,
    created_by: input.createdBy,
    control_share: plan.controlShare,
    target_deals: plan.targetDeals,
    alpha: plan.alpha,
    power: plan.power,
    alternative: plan.alternative,
    min_duration_days: plan.minDurationDays,
    max_duration_days: plan.maxDurationDays,
    interim_looks: plan.interimLooks,
    assignment_method: plan.assignmentMethod,
    block_size: plan.blockSize,
    primary_method: plan.primaryMethod,
    stop_for_efficacy: plan.stopForEfficacy,
  }
}

const toApiPlan = (p: TestPlanT): z.infer<typeof TestPlan> => ({
  ...p,
  primaryMethod: p.primaryMethod ?? null,
  stopForEfficacy: p.stopForEfficacy ?? false,
  lookDeals: p.lookDeals ?? plannedLookDeals(p.interimLooks, p.targetDeals),
})

/** The analyst's close-out kept on a test's row, or null before it. */
export const toCloseOut = (r: TestRow): z.infer<typeof CloseOut> | null =>
  r.close_out_outcome && r.closed_out_at
    ? {
        outcome: r.close_out_outcome,
        suggested: r.close_out_suggested ?? r.close_out_outcome,
        learnings: r.close_out_learnings,
        closedOutBy: r.closed_out_by,
        closedOutAt: r.closed_out_at.toISOString(),
      }
    : null

export const toTest = (r: TestRow, links: TestLinks): z.infer<typeof Test> => ({
  id: r.id,
  hypothesisId: r.hypothesis_id,
  name: r.name,
  status: r.status,
  plan: toApiPlan(planOf(r)),
  frozenPlan: r.frozen_plan && toApiPlan(r.frozen_plan),
  startedAt: r.started_at?.toISOString() ?? null,
  completedAt: r.completed_at?.toISOString() ?? null,
  completionReason: r.completion_reason,
  closeOut: toCloseOut(r),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  links,
})

export const Verdict = z.enum(['roll_out', 'reject', 'iterate', 'extend'])
export const CreateDecision = z
  .object({
    verdict: Verdict,
    rationale: requiredText(4000),
    rolloutNote: text(4000).default('').describe('What is rolled out, where and by whom'),
    rolloutStartsOn: z.iso.date().nullable().default(null),
    extendTargetDeals: z
      .number()
      .int()
      .min(2)
      .max(MAX_TARGET_DEALS)
      .optional()
      .describe('With "extend": the new target'),
    acknowledgeUnproven: z
      .boolean()
      .default(false)
      .describe('Required (true) to roll out what the close-out did not call supported'),
    barrierEffect: z
      .enum(['addressed', 'mitigated'])
      .optional()
      .describe('With a roll-out: the change removes its barrier (addressed) or only reduces it (mitigated)'),
    extendMaxDurationDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .optional()
      .describe('With "extend": the new maximum duration'),
  })
  .strict()
  .refine(
    (d) =>
      d.verdict === 'extend' || (d.extendTargetDeals === undefined && d.extendMaxDurationDays === undefined),
    {
      message: 'only an "extend" decision changes the target or the duration',
      path: ['verdict'],
    },
  )
  .refine((d) => d.verdict === 'roll_out' || d.barrierEffect === undefined, {
    message: 'only a roll-out changes the barrier',
    path: ['barrierEffect'],
  })
  .openapi('CreateDecision')
export const Decision = z
  .object({
    id: z.number(),
    testId: z.number(),
    verdict: Verdict,
    rationale: z.string(),
    rolloutNote: z.string(),
    rolloutStartsOn: z.string().nullable(),
    unprovenAcknowledged: z.boolean().describe('A roll-out of what was not proven, acknowledged as such'),
    barrierEffect: z.enum(['addressed', 'mitigated']).nullable(),
    decidedBy: z.number().nullable(),
    decidedAt: z.string(),
    results: z.unknown().describe('The results the decision was made on'),
  })
  .openapi('Decision')
export const toDecision = (r: DecisionRow): z.infer<typeof Decision> => ({
  id: r.id,
  testId: r.test_id,
  verdict: r.verdict,
  rationale: r.rationale,
  rolloutNote: r.rollout_note,
  rolloutStartsOn: r.rollout_starts_on,
  unprovenAcknowledged: r.unproven_acknowledged,
  barrierEffect: r.barrier_effect,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at.toISOString(),
  results: r.results ?? null,
})
