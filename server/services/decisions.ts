import { jsonb } from '../../db/queries/arrays.ts'
import type { Kysely } from 'kysely'
import type { z } from '@hono/zod-openapi'
import type { DB } from '../../db/tables/index.ts'
import type { Scope } from '../context.ts'
import { ApiError, notFound } from '../errors.ts'
import { toDecision, type CreateDecision } from '../schemas/test.ts'
import { getOwned, insertAudited } from './records.ts'
import { assertTransition, lockTest, transition, type TestEvent } from './test-lifecycle.ts'
import { decisionSnapshot } from './results.ts'

/**
 * Leadership's decision on a completed test, kept with the results it was made on. Roll out,
 * reject and iterate settle the test (decided); extend sends it back to running with a new target
 * or duration. What each does to the test, its hypothesis and its barrier is the lifecycle's.
 */
export async function recordDecision(
  db: Kysely<DB>,
  scope: Scope,
  testId: number,
  input: z.infer<typeof CreateDecision>,
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    const test = await lockTest(trx, scope, testId)
    const event: TestEvent =
      input.verdict === 'extend'
        ? {
            type: 'extend',
            targetDeals: input.extendTargetDeals,
            maxDurationDays: input.extendMaxDurationDays,
            rationale: input.rationale,
          }
        : {
            type: 'decide',
            verdict: input.verdict,
            rationale: input.rationale,
            barrierEffect: input.barrierEffect,
          }
    assertTransition(test.status, event.type)
    const unproven = input.verdict === 'roll_out' && test.close_out_outcome !== 'supported'
    if (unproven && test.close_out_outcome !== null && !input.acknowledgeUnproven) {
      throw new ApiError(
        422,
        'acknowledgement_required',
        `The close-out calls this result ${test.close_out_outcome}: rolling it out needs acknowledgeUnproven, rolling out without proof`,
        [{ path: 'body.acknowledgeUnproven', message: 'required to roll out what was not proven' }],
      )
    }
    const snapshot = await decisionSnapshot(trx, test)
    const decision = await insertAudited(trx, scope, 'decisions', {
      test_id: testId,
      verdict: input.verdict,
      rationale: input.rationale,
      rollout_note: input.rolloutNote,
      rollout_starts_on: input.rolloutStartsOn,
      unproven_acknowledged: unproven && input.acknowledgeUnproven,
      barrier_effect: input.verdict === 'roll_out' ? (input.barrierEffect ?? 'addressed') : null,
      decided_by: scope.actor.userId,
      decided_at: now,
      results: jsonb(snapshot),
    })
    await transition(trx, scope, test, event, now)
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
