import { jsonb } from '../../db/queries/arrays.ts'
import type { Kysely, Transaction } from 'kysely'
import type { z } from '@hono/zod-openapi'
import type { DB, TestPlan, TestRow } from '../../db/tables/index.ts'
import { pageById, toPage, type Paging } from '../../db/queries/paging.ts'
import * as stats from '../../stats/index.ts'
import type { Scope } from '../context.ts'
import { ApiError, pipelineRule, wrongState } from '../errors.ts'
import { planOf, toTest, type CreateTest, type TestLinks, type UpdateTest } from '../schemas/test.ts'
import { recordAudit } from './audit.ts'
import { getOwned, requireReference, updateAudited } from './records.ts'

type Db = Kysely<DB> | Transaction<DB>
type PlanInput = Partial<z.infer<typeof CreateTest>['plan']>

const planColumns = {
  controlShare: 'control_share',
  targetDeals: 'target_deals',
  alpha: 'alpha',
  power: 'power',
  alternative: 'alternative',
  minDurationDays: 'min_duration_days',
  maxDurationDays: 'max_duration_days',
  interimLooks: 'interim_looks',
  assignmentMethod: 'assignment_method',
  blockSize: 'block_size',
} as const

function planToColumns(plan: PlanInput): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, column] of Object.entries(planColumns)) {
    const value = plan[key as keyof PlanInput]
    if (value !== undefined) out[column] = value
  }
  return out
}

/**
 * The target sample when the analyst gives none: deals in both arms to detect the hypothesis's
 * expected lift over its baseline at the plan's alpha, power and split (stats/ sampleSize, the
 * normal approximation of R's power.prop.test).
 */
export function targetFromHypothesis(
  hypothesis: { baseline_rate: number | null; expected_lift: number | null },
  plan: Pick<TestPlan, 'alpha' | 'power' | 'controlShare' | 'alternative'>,
): number {
  if (hypothesis.baseline_rate == null || hypothesis.expected_lift == null) {
    throw pipelineRule(
      'Give plan.targetDeals, or a baseline rate and an expected lift on the hypothesis to compute it',
      [
        {
          path: 'body.plan.targetDeals',
          message: 'required when the hypothesis has no baseline rate and expected lift',
        },
      ],
    )
  }
  return stats.sampleSize({
    baselineRate: hypothesis.baseline_rate,
    minimumDetectableEffect: hypothesis.expected_lift,
    alpha: plan.alpha,
    power: plan.power,
    treatmentShare: 1 - plan.controlShare,
    alternative: plan.alternative,
  }).total
}

async function linksOf(db: Db, rows: TestRow[]): Promise<Map<number, TestLinks>> {
  const ids = rows.map((r) => r.id)
  const hypothesisIds = [...new Set(rows.map((r) => r.hypothesis_id))]
  const [barriers, decisions] = await Promise.all([
    hypothesisIds.length === 0
      ? []
      : db
          .selectFrom('hypotheses as h')
          .innerJoin('recommendations as r', 'r.id', 'h.recommendation_id')
          .select(['h.id', 'r.barrier_id'])
          .where('h.id', 'in', hypothesisIds)
          .execute(),
    ids.length === 0
      ? []
      : db
          .selectFrom('decisions')
          .select(['test_id', (eb) => eb.fn.max('id').as('id')])
          .where('test_id', 'in', ids)
          .groupBy('test_id')
          .execute(),
  ])
  const barrierOf = new Map(barriers.map((b) => [b.id, b.barrier_id]))
  const decisionOf = new Map(decisions.map((d) => [d.test_id, Number(d.id)]))
  return new Map(
    rows.map((r) => [
      r.id,
      {
        hypothesis: r.hypothesis_id,
        barrier: barrierOf.get(r.hypothesis_id) ?? null,
        decision: decisionOf.get(r.id) ?? null,
      },
    ]),
  )
}

async function present(db: Db, row: TestRow) {
  return toTest(row, (await linksOf(db, [row])).get(row.id)!)
}

export async function listTests(
  db: Kysely<DB>,
  scope: Scope,
  filter: Paging & { status?: string | undefined; hypothesis?: number | undefined },
) {
  const rows = await pageById(
    db
      .selectFrom('tests')
      .selectAll()
      .where('workspace_id', '=', scope.workspaceId)
      .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status as never))
      .$if(filter.hypothesis !== undefined, (q) => q.where('hypothesis_id', '=', filter.hypothesis!)),
    'id',
    filter,
  ).execute()
  const links = await linksOf(db, rows)
  return toPage(
    rows.map((r) => toTest(r, links.get(r.id)!)),
    filter,
  )
}

export async function getTest(db: Kysely<DB>, scope: Scope, id: number) {
  return present(db, await getOwned(db, 'tests', scope.workspaceId, id))
}

export async function createTest(db: Kysely<DB>, scope: Scope, input: z.infer<typeof CreateTest>) {
  return db.transaction().execute(async (trx) => {
    const hypothesis = await requireReference(
      trx,
      'hypotheses',
      scope.workspaceId,
      input.hypothesisId,
      'body.hypothesisId',
    )
    if (!['draft', 'ready', 'testing', 'inconclusive'].includes(hypothesis.status)) {
      throw pipelineRule(`A ${hypothesis.status} hypothesis is settled; write a new one to test again`, [
        { path: 'body.hypothesisId', message: `hypothesis is ${hypothesis.status}` },
      ])
    }
    const targetDeals = input.plan.targetDeals ?? targetFromHypothesis(hypothesis, input.plan)
    const row = await trx
      .insertInto('tests')
      .values({
        workspace_id: scope.workspaceId,
        hypothesis_id: input.hypothesisId,
        name: input.name,
        created_by: scope.actor.userId,
        ...planToColumns({ ...input.plan, targetDeals }),
      } as never)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      workspaceId: scope.workspaceId,
      actor: scope.actor,
      action: 'test.created',
      subjectType: 'test',
      subjectId: row.id,
      after: row,
    })
    return present(trx, row)
  })
}

/**
 * Changes a test's name or plan. Once started, the plan is frozen: a change is refused unless it
 * comes with a reason, and is then recorded as an amendment in the audit log and on the test.
 */
export async function updateTest(
  db: Kysely<DB>,
  scope: Scope,
  id: number,
  input: z.infer<typeof UpdateTest>,
) {
  return db.transaction().execute(async (trx) => {
    const current = await getOwned(trx, 'tests', scope.workspaceId, id, true)
    const planChange = input.plan ? planToColumns(input.plan) : {}
    const changesPlan = Object.keys(planChange).length > 0
    if (changesPlan && current.status === 'decided') throw wrongState('A decided test cannot change its plan')
    if (changesPlan && current.status !== 'draft') {
      if (!input.amendmentReason) {
        throw new ApiError(
          409,
          'test_plan_frozen',
          'The plan was frozen when the test started; send amendmentReason to amend it on the record',
          [{ path: 'body.amendmentReason', message: "required to amend a started test's plan" }],
        )
      }
      if (
        planChange.assignment_method !== undefined ||
        planChange.control_share !== undefined ||
        planChange.block_size !== undefined
      ) {
        throw new ApiError(
          409,
          'test_plan_frozen',
          'The split and the assignment method cannot change once customers are assigned',
          [
            {
              path: 'body.plan',
              message: 'controlShare, assignmentMethod and blockSize are fixed after the start',
            },
          ],
        )
      }
    }
    const merged = { ...planOf(current), ...input.plan }
    if (merged.minDurationDays > merged.maxDurationDays) {
      throw pipelineRule('maxDurationDays must not be shorter than minDurationDays', [
        { path: 'body.plan.maxDurationDays', message: 'shorter than minDurationDays' },
      ])
    }
    const amending = changesPlan && current.status !== 'draft'
    const patch: Record<string, unknown> = { ...planChange, ...(input.name ? { name: input.name } : {}) }
    if (amending) patch.frozen_plan = jsonb({ ...current.frozen_plan, ...input.plan })
    const row = await updateAudited(
      trx,
      scope,
      'tests',
      id,
      patch,
      amending ? { action: 'test.plan_amended', reason: input.amendmentReason ?? null } : {},
    )
    return present(trx, row)
  })
}

type Transition = 'start' | 'pause' | 'resume' | 'complete'
const allowedFrom: Record<Transition, TestRow['status'][]> = {
  start: ['draft'],
  pause: ['running'],
  resume: ['paused'],
  complete: ['running', 'paused'],
}

/** Moves a test through its lifecycle; starting freezes the plan and marks the pipeline as under test. */
export async function transitionTest(
  db: Kysely<DB>,
  scope: Scope,
  id: number,
  transition: Transition,
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    const current = await getOwned(trx, 'tests', scope.workspaceId, id, true)
    if (!allowedFrom[transition].includes(current.status)) {
      throw wrongState(
        `A ${current.status} test cannot ${transition}; it can from ${allowedFrom[transition].join(' or ')}`,
      )
    }
    const patch: Record<string, unknown> =
      transition === 'start'
        ? { status: 'running', started_at: now, frozen_plan: jsonb(planOf(current)) }
        : transition === 'pause'
          ? { status: 'paused' }
          : transition === 'resume'
            ? { status: 'running' }
            : { status: 'completed', completed_at: now, completion_reason: 'manual' }
    if (transition === 'start') await markUnderTest(trx, scope, current.hypothesis_id)
    return present(
      trx,
      await updateAudited(trx, scope, 'tests', id, patch, {
        action: `test.${transition === 'start' ? 'started' : transition === 'complete' ? 'completed' : transition === 'pause' ? 'paused' : 'resumed'}`,
      }),
    )
  })
}

/** Starting a test moves its hypothesis to testing and its barrier, if still open, to testing. */
async function markUnderTest(trx: Transaction<DB>, scope: Scope, hypothesisId: number) {
  const hypothesis = await getOwned(trx, 'hypotheses', scope.workspaceId, hypothesisId, true)
  if (hypothesis.status !== 'testing') {
    await updateAudited(
      trx,
      scope,
      'hypotheses',
      hypothesisId,
      { status: 'testing' },
      { action: 'hypothesis.testing' },
    )
  }
  const rec = await getOwned(trx, 'recommendations', scope.workspaceId, hypothesis.recommendation_id)
  if (rec.barrier_id !== null) {
    const barrier = await getOwned(trx, 'barriers', scope.workspaceId, rec.barrier_id, true)
    if (barrier.status === 'open')
      await updateAudited(
        trx,
        scope,
        'barriers',
        barrier.id,
        { status: 'testing' },
        { action: 'barrier.testing' },
      )
  }
}

export async function deleteTest(db: Kysely<DB>, scope: Scope, id: number) {
  await db.transaction().execute(async (trx) => {
    const current = await getOwned(trx, 'tests', scope.workspaceId, id, true)
    if (current.status !== 'draft')
      throw wrongState('Only a draft test can be deleted; a started test is part of the record')
    await trx.deleteFrom('tests').where('id', '=', id).execute()
    await recordAudit(trx, {
      workspaceId: scope.workspaceId,
      actor: scope.actor,
      action: 'test.deleted',
      subjectType: 'test',
      subjectId: id,
      before: current,
    })
  })
}
