import type { Kysely, Transaction } from 'kysely'
import type { z } from '@hono/zod-openapi'
import type { DB, TestPlan, TestRow, TestStatus } from '../../db/tables/index.ts'
import { pageById, toPage, type Paging } from '../../db/queries/paging.ts'
import * as stats from '../../stats/index.ts'
import type { Scope } from '../context.ts'
import { ApiError, pipelineRule, wrongState } from '../errors.ts'
import {
  MAX_TARGET_DEALS,
  planOf,
  toPlanColumns,
  toTest,
  toTestRow,
  type CreateTest,
  type TestLinks,
  type UpdateTest,
} from '../schemas/test.ts'
import { lockTest, transition } from './test-lifecycle.ts'
import { recordAudit } from './audit.ts'
import { getOwned, requireReference, updateAudited } from './records.ts'

type Db = Kysely<DB> | Transaction<DB>
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
  // A control share within a rounding error of 0 or 1 leaves a treatment share of 1 or 0, for
  // which no sample is enough; a small lift at a lopsided split can need more than a plan may hold.
  const treatmentShare = 1 - plan.controlShare
  const total =
    treatmentShare > 0 && treatmentShare < 1
      ? stats.sampleSize({
          baselineRate: hypothesis.baseline_rate,
          minimumDetectableEffect: hypothesis.expected_lift,
          alpha: plan.alpha,
          power: plan.power,
          treatmentShare,
          alternative: plan.alternative,
        }).total
      : Infinity
  if (!(total <= MAX_TARGET_DEALS)) {
    throw pipelineRule(
      `The hypothesis's expected lift at this split needs more deals than a test may target (${MAX_TARGET_DEALS.toLocaleString('en')}); give plan.targetDeals, or a control share nearer one half`,
      [{ path: 'body.plan.targetDeals', message: `the computed target is above ${MAX_TARGET_DEALS}` }],
    )
  }
  return total
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
  filter: Paging & { status?: TestStatus | undefined; hypothesis?: number | undefined },
) {
  const rows = await pageById(
    db
      .selectFrom('tests')
      .selectAll()
      .where('workspace_id', '=', scope.workspaceId)
      .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status!))
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
      .values(
        toTestRow(
          {
            workspaceId: scope.workspaceId,
            hypothesisId: input.hypothesisId,
            name: input.name,
            createdBy: scope.actor.userId,
          },
          { ...input.plan, targetDeals },
        ),
      )
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
 * Changes a test's name or plan. A draft's plan changes freely; once started, the plan is frozen:
 * a change is refused unless it comes with a reason, and is then an amendment on the record (the
 * lifecycle's `amend`, which also refuses what can never change after the start).
 */
export async function updateTest(
  db: Kysely<DB>,
  scope: Scope,
  id: number,
  input: z.infer<typeof UpdateTest>,
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    let row = await lockTest(trx, scope, id)
    const planChange = Object.fromEntries(Object.entries(input.plan ?? {}).filter(([, v]) => v !== undefined))
    const changesPlan = Object.keys(planChange).length > 0
    if (changesPlan && row.status !== 'draft') {
      if (!input.amendmentReason) {
        throw new ApiError(
          409,
          'test_plan_frozen',
          'The plan was frozen when the test started; send amendmentReason to amend it on the record',
          [{ path: 'body.amendmentReason', message: "required to amend a started test's plan" }],
        )
      }
      row = await transition(
        trx,
        scope,
        row,
        { type: 'amend', plan: planChange, reason: input.amendmentReason },
        now,
      )
    } else if (changesPlan) {
      const merged = { ...planOf(row), ...planChange }
      if (merged.minDurationDays > merged.maxDurationDays) {
        throw pipelineRule('maxDurationDays must not be shorter than minDurationDays', [
          { path: 'body.plan.maxDurationDays', message: 'shorter than minDurationDays' },
        ])
      }
    }
    const patch = {
      ...(row.status === 'draft' ? toPlanColumns(planChange) : {}),
      ...(input.name ? { name: input.name } : {}),
    }
    row = await updateAudited(trx, scope, 'tests', id, patch)
    return present(trx, row)
  })
}

/** Starts, pauses, resumes or completes a test by hand (see test-lifecycle.ts for what each sets). */
export async function changeTestState(
  db: Kysely<DB>,
  scope: Scope,
  id: number,
  event: 'start' | 'pause' | 'resume' | 'complete',
  now: Date,
  note: string | null = null,
) {
  return db.transaction().execute(async (trx) => {
    const test = await lockTest(trx, scope, id)
    const after = await transition(
      trx,
      scope,
      test,
      event === 'complete' ? { type: 'complete', reason: 'manual', note } : { type: event },
      now,
    )
    return present(trx, after)
  })
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
