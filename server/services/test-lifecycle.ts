import type { Kysely, Transaction, Updateable } from 'kysely'
import { jsonb } from '../../db/queries/arrays.ts'
import { findHypothesisBasis, findTimeZone } from '../../db/queries/lookups.ts'
import {
  findTestsToCheck,
  readArmTotals,
  reclassifyLateDeals,
  recountTotals,
} from '../../db/queries/totals.ts'
import type {
  CloseOutOutcome,
  CompletionReason,
  DB,
  TestPlan,
  TestRow,
  TestStatus,
  TestsTable,
  Verdict,
} from '../../db/tables/index.ts'
import type { Scope } from '../context.ts'
import { ApiError, notFound, pipelineRule } from '../errors.ts'
import { planOf, toPlanColumns } from '../schemas/test.ts'
import * as stats from '../../stats/index.ts'
import { plannedLookDeals } from '../lib/looks.ts'
import { analysisPlan, verdictFor, type HypothesisBasis } from './analysis.ts'
import { recordAudit } from './audit.ts'
import { notifyTestCompleted } from './notifications.ts'
import { getOwned, updateAudited, type Writer } from './records.ts'

const DAY_MS = 86_400_000

/** What can happen to a test. */
export type TestEvent =
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'complete'; reason: CompletionReason; at?: Date; note?: string | null }
  | { type: 'close_out'; outcome: CloseOutOutcome; suggested: CloseOutOutcome; learnings: string }
  | {
      type: 'decide'
      verdict: Exclude<Verdict, 'extend'>
      rationale: string
      barrierEffect?: 'addressed' | 'mitigated' | undefined
    }
  | {
      type: 'extend'
      targetDeals?: number | undefined
      maxDurationDays?: number | undefined
      rationale: string
    }
  | { type: 'amend'; plan: Partial<TestPlan>; reason: string }

export type TestEventType = TestEvent['type']

/**
 * The lifecycle as a table: for each event, the states it may happen in and the state it leads to.
 *
 *   draft ─start─▶ running ⇄ paused (pause / resume)
 *   running, paused ─complete─▶ completed ─decide─▶ decided
 *   completed ─extend─▶ running        running, paused, completed ─amend─▶ (same state)
 *
 * Anything not in the table is refused with 409 `wrong_state`, naming the state and the event.
 */
export const EDGES: Record<TestEventType, Partial<Record<TestStatus, TestStatus>>> = {
  start: { draft: 'running' },
  pause: { running: 'paused' },
  resume: { paused: 'running' },
  complete: { running: 'completed', paused: 'completed' },
  close_out: { completed: 'completed' },
  decide: { completed: 'decided' },
  extend: { completed: 'running' },
  amend: { running: 'running', paused: 'paused', completed: 'completed' },
}

const AUDIT_ACTION: Record<TestEventType, string> = {
  start: 'test.started',
  pause: 'test.paused',
  resume: 'test.resumed',
  complete: 'test.completed',
  close_out: 'test.closed_out',
  decide: 'test.decided',
  extend: 'test.extended',
  amend: 'test.plan_amended',
}

const COMPLETION_NOTE: Record<CompletionReason, string> = {
  manual: 'completed by hand',
  target_reached: 'target reached',
  max_duration: 'maximum duration passed',
  efficacy_boundary: 'efficacy boundary crossed at a planned look',
}

/** The hypothesis's status after the analyst's close-out of its test. */
const HYPOTHESIS_AFTER = { supported: 'validated', refuted: 'refuted', inconclusive: 'inconclusive' } as const

const NO_CLOSE_OUT = {
  close_out_outcome: null,
  close_out_suggested: null,
  close_out_learnings: '',
  closed_out_by: null,
  closed_out_at: null,
} as const

function refuse(status: TestStatus, event: TestEventType): never {
  const from = Object.keys(EDGES[event])
  throw new ApiError(
    409,
    'wrong_state',
    `A ${status} test cannot ${event}${from.length ? `; it can when ${from.join(' or ')}` : ''}`,
    [
      { path: 'status', message: status },
      { path: 'event', message: event },
    ],
  )
}

/** Refuses an event the test's state does not allow (409 naming both), before any work is done for it. */
export function assertTransition(status: TestStatus, event: TestEventType): void {
  if (EDGES[event][status] === undefined) refuse(status, event)
}

/**
 * Reads a test's row locked for a change (404 when it is not the workspace's). `for no key update`:
 * the change never touches the key, so assignments and deals referring to the test go on meanwhile.
 */
export async function lockTest(trx: Transaction<DB>, scope: Pick<Scope, 'workspaceId'>, id: number) {
  const test = await trx
    .selectFrom('tests')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', scope.workspaceId)
    .forNoKeyUpdate()
    .executeTakeFirst()
  if (!test) throw notFound('Test')
  return test
}

/**
 * The plan frozen at the start: the draft's plan with the primary method settled (by the planned
 * arms and baseline when the design left it open) and the deals at each look.
 */
function freezePlan(test: TestRow, hypothesis: HypothesisBasis): TestPlan {
  const plan = planOf(test)
  const control = Math.round(plan.targetDeals * plan.controlShare)
  // Without a baseline rate the design assumes 50 %, where expected counts are largest: the exact
  // test is then chosen only for the smallest tables.
  const primaryMethod =
    test.primary_method ??
    stats.recommendPrimaryMethod({
      controlDeals: control,
      treatmentDeals: plan.targetDeals - control,
      baselineRate: hypothesis.baseline_rate ?? 0.5,
    })
  return {
    ...plan,
    primaryMethod,
    stopForEfficacy: test.stop_for_efficacy,
    lookDeals: plannedLookDeals(plan.interimLooks, plan.targetDeals),
  }
}

/**
 * Looks after a change of target: those already reached stay where they were; the rest are
 * spaced as planned up to the new target, which is the final look.
 */
function replanLooks(plan: TestPlan, total: number): number[] {
  const reached = (plan.lookDeals ?? []).filter((d) => d <= total && d < plan.targetDeals)
  const after = plannedLookDeals(plan.interimLooks, plan.targetDeals).filter((d) => d > (reached.at(-1) ?? 0))
  return plan.interimLooks === 0 && reached.length === 0 ? [plan.targetDeals] : [...reached, ...after]
}

function checkAmendment(current: TestPlan, change: Partial<TestPlan>) {
  if (
    change.assignmentMethod !== undefined ||
    change.controlShare !== undefined ||
    change.blockSize !== undefined
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
  if (change.primaryMethod !== undefined && change.primaryMethod !== current.primaryMethod) {
    throw new ApiError(
      409,
      'test_plan_frozen',
      'The primary analysis is chosen before the data and cannot change',
      [{ path: 'body.plan.primaryMethod', message: 'fixed at the start' }],
    )
  }
  const merged = { ...current, ...change }
  if (merged.minDurationDays > merged.maxDurationDays) {
    throw pipelineRule('maxDurationDays must not be shorter than minDurationDays', [
      { path: 'body.plan.maxDurationDays', message: 'shorter than minDurationDays' },
    ])
  }
}

/**
 * The one place a test's status changes. Checks the edge against `EDGES`, then sets every field
 * the edge implies (timestamps, the completion and its late-deal cut-off, the frozen plan), keeps
 * the deals' late flags and the totals true to that cut-off, writes the audit entry, tells the
 * workspace of a completion (notice and webhook, in this transaction), and moves the hypothesis
 * and its barrier along. `test` must be the row locked in `trx` (see `lockTest`).
 */
export async function transition(
  trx: Transaction<DB>,
  scope: Writer,
  test: TestRow,
  event: TestEvent,
  now: Date,
): Promise<TestRow> {
  const next = EDGES[event.type][test.status]
  if (next === undefined) refuse(test.status, event.type)

  const patch: Updateable<TestsTable> = { status: next, updated_at: now }
  let reason: string | null = null
  let auditAfter: Record<string, unknown> = { status: next }
  switch (event.type) {
    case 'start': {
      const plan = freezePlan(test, await findHypothesisBasis(trx, test.hypothesis_id))
      Object.assign(patch, { started_at: now, frozen_plan: jsonb(plan), primary_method: plan.primaryMethod })
      auditAfter = { status: next, frozenPlan: plan }
      break
    }
    case 'complete': {
      const at = event.at ?? now
      Object.assign(patch, { completed_at: at, completion_reason: event.reason, late_after: at })
      reason = event.note ?? COMPLETION_NOTE[event.reason]
      break
    }
    case 'extend': {
      const totals = await readArmTotals(trx, test.id)
      const plan: TestPlan = {
        ...test.frozen_plan!,
        ...(event.targetDeals !== undefined ? { targetDeals: event.targetDeals } : {}),
        ...(event.maxDurationDays !== undefined ? { maxDurationDays: event.maxDurationDays } : {}),
      }
      const total =
        totals.control.deals + totals.treatment.deals + totals.control.late + totals.treatment.late
      if (plan.targetDeals <= total && event.maxDurationDays === undefined) {
        throw pipelineRule(
          `The test already holds ${total} deals; extend it to a larger target or a longer duration`,
          [{ path: 'body.extendTargetDeals', message: `must be above ${total}` }],
        )
      }
      const end = test.started_at!.getTime() + plan.maxDurationDays * DAY_MS
      if (end <= now.getTime()) {
        throw pipelineRule('The maximum duration has passed; extend it too', [
          { path: 'body.extendMaxDurationDays', message: 'must end after today' },
        ])
      }
      plan.lookDeals =
        plan.interimLooks > 0
          ? [
              ...(test.frozen_plan!.lookDeals ?? []).filter((d) => d < plan.targetDeals && d <= total),
              plan.targetDeals,
            ]
          : [plan.targetDeals]
      Object.assign(patch, {
        ...NO_CLOSE_OUT,
        completed_at: null,
        completion_reason: null,
        late_after: null,
        frozen_plan: jsonb(plan),
        target_deals: plan.targetDeals,
        max_duration_days: plan.maxDurationDays,
      })
      reason = event.rationale
      auditAfter = { status: next, frozenPlan: plan }
      break
    }
    case 'amend': {
      const current = test.frozen_plan!
      checkAmendment(current, event.plan)
      const plan: TestPlan = { ...current, ...event.plan }
      if (event.plan.targetDeals !== undefined || event.plan.interimLooks !== undefined) {
        const totals = await readArmTotals(trx, test.id)
        plan.lookDeals = replanLooks(plan, totals.control.deals + totals.treatment.deals)
      }
      Object.assign(patch, { ...toPlanColumns(event.plan), frozen_plan: jsonb(plan) })
      reason = event.reason
      auditAfter = { status: next, frozenPlan: plan, change: event.plan }
      break
    }
    case 'close_out':
      Object.assign(patch, {
        close_out_outcome: event.outcome,
        close_out_suggested: event.suggested,
        close_out_learnings: event.learnings,
        closed_out_by: scope.actor.userId,
        closed_out_at: now,
      })
      auditAfter = {
        status: next,
        outcome: event.outcome,
        suggested: event.suggested,
        learnings: event.learnings,
      }
      reason = event.learnings || null
      break
    case 'decide':
      if (test.close_out_outcome === null) {
        throw new ApiError(
          409,
          'close_out_required',
          "Close the test out first: whether the hypothesis held is the analyst's call before the decision",
          [{ path: 'status', message: 'completed, not closed out' }],
        )
      }
      reason = `${event.verdict}: ${event.rationale}`
      break
    case 'pause':
    case 'resume':
      break
  }

  const after = await trx
    .updateTable('tests')
    .set(patch)
    .where('id', '=', test.id)
    .returningAll()
    .executeTakeFirstOrThrow()

  // Deals closed after the completion are late; an extension counts them again.
  if (event.type === 'complete' || event.type === 'extend') {
    const changed = await reclassifyLateDeals(trx, test.id, after.late_after)
    if (changed > 0) await recountTotals(trx, test.id, await findTimeZone(trx, test.workspace_id))
  }
  if (event.type === 'complete') {
    const totals = await readArmTotals(trx, test.id)
    const counts = {
      control: { deals: totals.control.deals, conversions: totals.control.conversions },
      treatment: { deals: totals.treatment.deals, conversions: totals.treatment.conversions },
    }
    auditAfter = { status: next, completionReason: event.reason, totals: counts }
    await notifyTestCompleted(trx, {
      workspaceId: test.workspace_id,
      test: { id: test.id, name: test.name, hypothesisId: test.hypothesis_id },
      reason: event.reason,
      completedAt: after.completed_at!,
      totals: counts,
    })
  }

  await recordAudit(trx, {
    workspaceId: test.workspace_id,
    actor: scope.actor,
    action: AUDIT_ACTION[event.type],
    subjectType: 'test',
    subjectId: test.id,
    before: {
      status: test.status,
      ...(event.type === 'amend' || event.type === 'extend' ? { frozenPlan: test.frozen_plan } : {}),
    },
    after: auditAfter,
    reason,
  })

  if (event.type === 'start') await cascadeOnStart(trx, scope, test)
  if (event.type === 'close_out') await cascadeOnCloseOut(trx, scope, test, event.outcome)
  if (event.type === 'decide') await cascadeOnDecision(trx, scope, test, event.verdict, event.barrierEffect)
  return after
}

/** Starting a test puts its hypothesis under test, and its barrier too while it is open. */
async function cascadeOnStart(trx: Transaction<DB>, scope: Writer, test: TestRow) {
  const hypothesis = await getOwned(trx, 'hypotheses', scope.workspaceId, test.hypothesis_id, true)
  if (hypothesis.status !== 'testing') {
    await updateAudited(
      trx,
      scope,
      'hypotheses',
      hypothesis.id,
      { status: 'testing' },
      { action: 'hypothesis.testing' },
    )
  }
  const barrier = await barrierOf(trx, scope.workspaceId, hypothesis.recommendation_id)
  if (barrier?.status === 'open') {
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

/** The close-out settles the hypothesis: validated, refuted or inconclusive, as the test showed. */
async function cascadeOnCloseOut(
  trx: Transaction<DB>,
  scope: Writer,
  test: TestRow,
  outcome: CloseOutOutcome,
) {
  const hypothesis = await getOwned(trx, 'hypotheses', scope.workspaceId, test.hypothesis_id, true)
  const status = HYPOTHESIS_AFTER[outcome]
  if (hypothesis.status !== status) {
    await updateAudited(
      trx,
      scope,
      'hypotheses',
      hypothesis.id,
      { status },
      { action: `hypothesis.${status}` },
    )
  }
}

/**
 * Leadership's decision moves the barrier: a roll-out marks it addressed, or mitigated when the
 * change only reduces it; a rejection or an iteration reopens a barrier that was under test. An
 * iteration also leaves the hypothesis inconclusive: the change will be reworked and tested again.
 */
async function cascadeOnDecision(
  trx: Transaction<DB>,
  scope: Writer,
  test: TestRow,
  verdict: Exclude<Verdict, 'extend'>,
  barrierEffect: 'addressed' | 'mitigated' = 'addressed',
) {
  const hypothesis = await getOwned(trx, 'hypotheses', scope.workspaceId, test.hypothesis_id, true)
  if (verdict === 'iterate' && hypothesis.status !== 'inconclusive') {
    await updateAudited(
      trx,
      scope,
      'hypotheses',
      hypothesis.id,
      { status: 'inconclusive' },
      { action: 'hypothesis.inconclusive' },
    )
  }
  const barrier = await barrierOf(trx, scope.workspaceId, hypothesis.recommendation_id)
  if (!barrier) return
  const next = verdict === 'roll_out' ? barrierEffect : barrier.status === 'testing' ? 'open' : barrier.status
  if (next !== barrier.status) {
    await updateAudited(trx, scope, 'barriers', barrier.id, { status: next }, { action: `barrier.${next}` })
  }
}

async function barrierOf(trx: Transaction<DB>, workspaceId: number, recommendationId: number) {
  const rec = await getOwned(trx, 'recommendations', workspaceId, recommendationId)
  return rec.barrier_id === null ? undefined : getOwned(trx, 'barriers', workspaceId, rec.barrier_id, true)
}

/** When a started test may complete by reaching its target: not before its minimum duration. */
export function minimumDurationEnds(
  test: Pick<TestRow, 'started_at'>,
  plan: Pick<TestPlan, 'minDurationDays'>,
) {
  return new Date(test.started_at!.getTime() + plan.minDurationDays * DAY_MS)
}

/** When a started test's time is up. */
export function plannedEnd(test: Pick<TestRow, 'started_at'>, plan: Pick<TestPlan, 'maxDurationDays'>) {
  return new Date(test.started_at!.getTime() + plan.maxDurationDays * DAY_MS)
}

export interface CompletionDue {
  reason: Exclude<CompletionReason, 'manual'>
  /** The moment the test completes: the planned end when its time ran out, else now. */
  at: Date
}

/**
 * Whether a started test is due to complete, and why: its time is up (even while paused), or,
 * running and past its minimum duration, it holds its target, or it crossed the efficacy boundary
 * at a planned interim look when the plan stops for efficacy. Pure: the caller decides whether
 * to complete (ingestion and the sweep do) or only to read as if completed (results do).
 */
export function completionDue(
  test: Pick<TestRow, 'status' | 'started_at' | 'frozen_plan'>,
  hypothesis: HypothesisBasis,
  totals: Parameters<typeof verdictFor>[1],
  now: Date,
): CompletionDue | null {
  if ((test.status !== 'running' && test.status !== 'paused') || !test.started_at || !test.frozen_plan)
    return null
  const plan = test.frozen_plan
  const end = plannedEnd(test, plan)
  if (now >= end) return { reason: 'max_duration', at: end }
  if (test.status !== 'running' || now < minimumDurationEnds(test, plan)) return null
  if (totals.control.deals + totals.treatment.deals >= plan.targetDeals)
    return { reason: 'target_reached', at: now }
  const analysis = analysisPlan(plan, hypothesis)
  if (analysis.sequential && analysis.stopForEfficacy) {
    const { verdict, schedule } = verdictFor(analysis, totals, false)
    if (schedule.reached >= 1 && verdict.sequential?.crossed) return { reason: 'efficacy_boundary', at: now }
  }
  return null
}

/**
 * Completes a test when it is due (see `completionDue`); called by ingestion in its transaction
 * and by the periodic sweep. Returns the test's row after the check.
 */
export async function completeIfDue(
  trx: Transaction<DB>,
  scope: Writer,
  testId: number,
  now: Date,
): Promise<TestRow> {
  const test = await lockTest(trx, scope, testId)
  if (test.status !== 'running' && test.status !== 'paused') return test
  const due = completionDue(
    test,
    await findHypothesisBasis(trx, test.hypothesis_id),
    await readArmTotals(trx, testId),
    now,
  )
  if (!due) return test
  return transition(trx, scope, test, { type: 'complete', reason: due.reason, at: due.at }, now)
}

/** The periodic sweep: completes every started test that is due, each in its own transaction. */
export async function sweepTests(db: Kysely<DB>, now: Date): Promise<number> {
  let completed = 0
  for (const t of await findTestsToCheck(db, now)) {
    const scope = { workspaceId: t.workspace_id, actor: { userId: null, apiKeyId: null } }
    const after = await db.transaction().execute((trx) => completeIfDue(trx, scope, t.id, now))
    if (after.status === 'completed') completed++
  }
  return completed
}
