import { sql, type Kysely, type Transaction } from 'kysely'
import type { CompletionReason, DB, TestRow } from '../../db/tables/index.ts'
import type { Scope } from '../context.ts'
import { recordAudit } from './audit.ts'
import { notifyTestCompleted } from './notifications.ts'

const DAY_MS = 86_400_000

export async function armCounts(db: Kysely<DB> | Transaction<DB>, testId: number) {
  const rows = await db.selectFrom('arm_totals').selectAll().where('test_id', '=', testId).execute()
  const arm = (group: 'control' | 'treatment') => {
    const r = rows.find((x) => x.group === group)
    return { deals: r?.deals ?? 0, conversions: r?.conversions ?? 0 }
  }
  return { control: arm('control'), treatment: arm('treatment') }
}

/** Why a started test is due to complete now, or null: its target met, or its maximum duration over. */
export function completionDue(
  test: Pick<TestRow, 'status' | 'started_at' | 'frozen_plan'>,
  deals: number,
  now: Date,
): Exclude<CompletionReason, 'manual'> | null {
  if ((test.status !== 'running' && test.status !== 'paused') || !test.started_at || !test.frozen_plan)
    return null
  if (test.status === 'running' && deals >= test.frozen_plan.targetDeals) return 'target_reached'
  if (now.getTime() >= test.started_at.getTime() + test.frozen_plan.maxDurationDays * DAY_MS)
    return 'max_duration'
  return null
}

/**
 * Completes a test by itself when it is due (checked on every deal batch, on every read and by
 * the server's periodic sweep), and tells the workspace: a notice and a signed webhook.
 * Deals that arrive afterwards are late. Returns the test's status after the check.
 */
export async function completeIfDue(
  trx: Transaction<DB>,
  scope: Pick<Scope, 'workspaceId' | 'actor'>,
  testId: number,
  now: Date,
): Promise<TestRow['status']> {
  const test = await trx
    .selectFrom('tests')
    .selectAll()
    .where('id', '=', testId)
    .forNoKeyUpdate()
    .executeTakeFirstOrThrow()
  const totals = await armCounts(trx, testId)
  const reason = completionDue(test, totals.control.deals + totals.treatment.deals, now)
  if (!reason) return test.status
  const after = await trx
    .updateTable('tests')
    .set({
      status: 'completed',
      completed_at: now,
      completion_reason: reason,
      late_after: now,
      updated_at: now,
    })
    .where('id', '=', testId)
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, {
    workspaceId: test.workspace_id,
    actor: scope.actor,
    action: 'test.completed',
    subjectType: 'test',
    subjectId: testId,
    before: { status: test.status },
    after: { status: 'completed', completionReason: reason, totals },
    reason: reason === 'target_reached' ? 'target reached' : 'maximum duration passed',
  })
  await notifyTestCompleted(trx, {
    workspaceId: test.workspace_id,
    test: { id: test.id, name: test.name, hypothesisId: test.hypothesis_id },
    reason,
    completedAt: now,
    totals,
  })
  return after.status
}

/** Runs `completeIfDue` in its own transaction; for reads. */
export async function checkCompletion(
  db: Kysely<DB>,
  scope: Pick<Scope, 'workspaceId' | 'actor'>,
  test: TestRow,
  now: Date,
) {
  if (test.status !== 'running' && test.status !== 'paused') return test.status
  return db.transaction().execute((trx) => completeIfDue(trx, scope, test.id, now))
}

/** The periodic sweep: completes every started test whose target is met or whose time is up. */
export async function sweepTests(db: Kysely<DB>, now: Date): Promise<number> {
  const due = await db
    .selectFrom('tests as t')
    .leftJoin(
      db
        .selectFrom('arm_totals')
        .select((eb) => ['test_id', eb.fn.sum<number>('deals').as('deals')])
        .groupBy('test_id')
        .as('a'),
      'a.test_id',
      't.id',
    )
    .select(['t.id', 't.workspace_id'])
    .where('t.status', 'in', ['running', 'paused'])
    .where((eb) =>
      eb.or([
        eb(sql`t.started_at + make_interval(days => (t.frozen_plan->>'maxDurationDays')::int)`, '<=', now),
        eb.and([
          eb('t.status', '=', 'running'),
          eb(sql`coalesce(a.deals, 0)`, '>=', sql`(t.frozen_plan->>'targetDeals')::int`),
        ]),
      ]),
    )
    .execute()
  let completed = 0
  for (const t of due) {
    const status = await db
      .transaction()
      .execute((trx) =>
        completeIfDue(
          trx,
          { workspaceId: t.workspace_id, actor: { userId: null, apiKeyId: null } },
          t.id,
          now,
        ),
      )
    if (status === 'completed') completed++
  }
  return completed
}
