import { jsonb } from '../../db/queries/arrays.ts'
import type { Kysely } from 'kysely'
import type { z } from '@hono/zod-openapi'
import type { DB, HypothesisStatus, Verdict } from '../../db/tables/index.ts'
import type { Scope } from '../context.ts'
import { notFound, wrongState } from '../errors.ts'
import { toDecision, type CreateDecision } from '../schemas/test.ts'
import { getOwned, insertAudited, updateAudited } from './records.ts'
import { decisionSnapshot } from './results.ts'

const hypothesisAfter: Record<Exclude<Verdict, 'extend'>, HypothesisStatus> = {
  roll_out: 'validated',
  reject: 'refuted',
  iterate: 'inconclusive',
}

/**
 * Leadership's decision on a completed test. Roll-out validates the hypothesis and marks its
 * barrier addressed; reject and iterate settle the hypothesis and reopen the barrier; extend sends
 * the test back to running, with a new target or duration recorded as an amendment.
 */
export async function recordDecision(
  db: Kysely<DB>,
  scope: Scope,
  testId: number,
  input: z.infer<typeof CreateDecision>,
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    const test = await getOwned(trx, 'tests', scope.workspaceId, testId, true)
    if (test.status !== 'completed')
      throw wrongState(`Only a completed test can be decided; this one is ${test.status}`)
    const hypothesis = await getOwned(trx, 'hypotheses', scope.workspaceId, test.hypothesis_id, true)
    const decision = await insertAudited(trx, scope, 'decisions', {
      test_id: testId,
      verdict: input.verdict,
      rationale: input.rationale,
      rollout_note: input.rolloutNote,
      rollout_starts_on: input.rolloutStartsOn,
      decided_by: scope.actor.userId,
      decided_at: now,
      results: jsonb(await decisionSnapshot(trx, test, hypothesis)),
    })
    if (input.verdict === 'extend') {
      const plan = {
        ...test.frozen_plan!,
        ...(input.extendTargetDeals ? { targetDeals: input.extendTargetDeals } : {}),
        ...(input.extendMaxDurationDays ? { maxDurationDays: input.extendMaxDurationDays } : {}),
      }
      await updateAudited(
        trx,
        scope,
        'tests',
        testId,
        {
          status: 'running',
          completed_at: null,
          completion_reason: null,
          frozen_plan: jsonb(plan) as never,
          target_deals: plan.targetDeals,
          max_duration_days: plan.maxDurationDays,
        },
        { action: 'test.extended', reason: input.rationale },
      )
      return toDecision(decision)
    }
    await updateAudited(
      trx,
      scope,
      'tests',
      testId,
      { status: 'decided' },
      { action: 'test.decided', reason: `${input.verdict}: ${input.rationale}` },
    )
    await updateAudited(
      trx,
      scope,
      'hypotheses',
      hypothesis.id,
      { status: hypothesisAfter[input.verdict] },
      { action: `hypothesis.${hypothesisAfter[input.verdict]}` },
    )
    const rec = await getOwned(trx, 'recommendations', scope.workspaceId, hypothesis.recommendation_id)
    if (rec.barrier_id !== null) {
      const barrier = await getOwned(trx, 'barriers', scope.workspaceId, rec.barrier_id, true)
      const next =
        input.verdict === 'roll_out' ? 'addressed' : barrier.status === 'testing' ? 'open' : barrier.status
      if (next !== barrier.status)
        await updateAudited(
          trx,
          scope,
          'barriers',
          barrier.id,
          { status: next },
          { action: `barrier.${next}` },
        )
    }
    return toDecision(decision)
  })
}

export async function getLatestDecision(db: Kysely<DB>, scope: Scope, testId: number) {
  await getOwned(db, 'tests', scope.workspaceId, testId)
  const row = await db
    .selectFrom('decisions')
    .selectAll()
    .where('test_id', '=', testId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!row) throw notFound('Decision')
  return toDecision(row)
}

export async function listDecisions(db: Kysely<DB>, scope: Scope, testId: number) {
  await getOwned(db, 'tests', scope.workspaceId, testId)
  const rows = await db
    .selectFrom('decisions')
    .selectAll()
    .where('test_id', '=', testId)
    .orderBy('id')
    .execute()
  return rows.map(toDecision)
}
