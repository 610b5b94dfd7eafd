import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { obrienFlemingBoundaries } from '../../stats/index.ts'
import { EDGES, sweepTests, type TestEventType } from '../../server/services/test-lifecycle.ts'
import type { TestStatus } from '../../db/tables/index.ts'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

const DAY = 86_400_000
const STATES: TestStatus[] = ['draft', 'running', 'paused', 'completed', 'decided']
const EVENTS: TestEventType[] = [
  'start',
  'pause',
  'resume',
  'complete',
  'close_out',
  'decide',
  'extend',
  'amend',
]

/** A test brought to `state` through the API, with 20 customers assigned once it started. */
async function testIn(state: TestStatus, plan: Record<string, unknown> = {}) {
  const ws = await ctx.newWorkspace()
  const test = await ws.test({ plan: { targetDeals: 100, ...plan } })
  if (state !== 'draft') {
    expect((await ws.call('analyst', 'POST', `/tests/${test.id}/start`)).status).toBe(200)
    await assign(ws, test.id, 20)
  }
  if (state === 'paused') await ws.call('analyst', 'POST', `/tests/${test.id}/pause`)
  if (state === 'completed' || state === 'decided') {
    expect((await ws.call('analyst', 'POST', `/tests/${test.id}/complete`)).status).toBe(200)
    const closeOut = { outcome: 'supported', learnings: 'It held' }
    expect((await ws.call('analyst', 'POST', `/tests/${test.id}/close-out`, closeOut)).status).toBe(200)
  }
  if (state === 'decided') {
    const d = await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
      verdict: 'reject',
      rationale: 'No difference worth the cost',
    })
    expect(d.status).toBe(201)
  }
  return { ws, test }
}

async function assign(ws: WorkspaceFixture, testId: number, n: number, from = 0) {
  const customers = Array.from({ length: n }, (_, i) => ({ customerKey: `C-${from + i}` }))
  const res = await ws.call('analyst', 'POST', `/tests/${testId}/assignments`, { customers })
  expect(res.status).toBe(200)
}

/** Sends the event through the API the way a person or an integration would. */
function send(ws: WorkspaceFixture, testId: number, event: TestEventType) {
  switch (event) {
    case 'close_out':
      return ws.call('analyst', 'POST', `/tests/${testId}/close-out`, {
        outcome: 'inconclusive',
        learnings: 'Too few deals to tell',
      })
    case 'start':
    case 'pause':
    case 'resume':
    case 'complete':
      return ws.call('analyst', 'POST', `/tests/${testId}/${event}`)
    case 'decide':
      return ws.call('leader', 'POST', `/tests/${testId}/decision`, {
        verdict: 'roll_out',
        rationale: 'Clear rise',
      })
    case 'extend':
      return ws.call('leader', 'POST', `/tests/${testId}/decision`, {
        verdict: 'extend',
        rationale: 'Too early to tell',
        extendTargetDeals: 300,
      })
    case 'amend':
      return ws.call('analyst', 'PATCH', `/tests/${testId}`, {
        plan: { targetDeals: 250 },
        amendmentReason: 'The deal rate doubled',
      })
  }
}

const row = (id: number) =>
  ctx.db.selectFrom('tests').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const lastAudit = (testId: number) =>
  ctx.db
    .selectFrom('audit_log')
    .select(['action', 'reason'])
    .where('subject_type', '=', 'test')
    .where('subject_id', '=', testId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()

describe('the lifecycle table', () => {
  for (const state of STATES) {
    for (const event of EVENTS) {
      const next = EDGES[event][state]
      // A draft's plan is edited freely: PATCH on a draft is not an amendment.
      if (state === 'draft' && event === 'amend') continue
      it(`${state} × ${event} → ${next ?? '409'}`, async () => {
        const { ws, test } = await testIn(state)
        const before = await row(test.id)
        ctx.setNow(new Date(ctx.now().getTime() + 60_000))
        const res = (await send(ws, test.id, event))!
        const after = await row(test.id)
        if (next === undefined) {
          expect(res.status).toBe(409)
          expect(res.body.error).toMatchObject({
            code: 'wrong_state',
            details: [
              { path: 'status', message: state },
              { path: 'event', message: event },
            ],
          })
          expect(after).toEqual(before)
          return
        }
        expect(res.status).toBeLessThan(300)
        expect(after.status).toBe(next)
        const now = ctx.now()
        const action = {
          start: 'test.started',
          pause: 'test.paused',
          resume: 'test.resumed',
          complete: 'test.completed',
          close_out: 'test.closed_out',
          decide: 'test.decided',
          extend: 'test.extended',
          amend: 'test.plan_amended',
        }[event]
        const audit = await ctx.db
          .selectFrom('audit_log')
          .select('action')
          .where('workspace_id', '=', ws.id)
          .where('at', '>=', new Date(0))
          .orderBy('id', 'desc')
          .execute()
        expect(audit.map((a) => a.action)).toContain(action)
        switch (event) {
          case 'start':
            expect(after.started_at).toEqual(now)
            expect(after.frozen_plan).toMatchObject({
              targetDeals: 100,
              lookDeals: [100],
              stopForEfficacy: false,
            })
            // The primary analysis is settled at the start, from the planned arms.
            expect(['exact', 'score']).toContain(after.frozen_plan!.primaryMethod)
            expect(after.primary_method).toBe(after.frozen_plan!.primaryMethod)
            expect(after.completed_at).toBeNull()
            break
          case 'pause':
          case 'resume':
            expect({ ...after, status: before.status, updated_at: before.updated_at }).toEqual(before)
            break
          case 'complete':
            expect(after).toMatchObject({ completed_at: now, late_after: now, completion_reason: 'manual' })
            break
          case 'close_out':
            expect(after).toMatchObject({
              close_out_outcome: 'inconclusive',
              close_out_learnings: 'Too few deals to tell',
              closed_out_at: now,
              closed_out_by: ws.members.analyst.id,
              completed_at: before.completed_at,
            })
            break
          case 'decide':
            expect(after.completed_at).toEqual(before.completed_at)
            expect(after.late_after).toEqual(before.late_after)
            break
          case 'extend':
            expect(after).toMatchObject({
              completed_at: null,
              completion_reason: null,
              late_after: null,
              target_deals: 300,
              close_out_outcome: null,
              closed_out_at: null,
            })
            expect(after.frozen_plan).toMatchObject({ targetDeals: 300, lookDeals: [300] })
            break
          case 'amend':
            expect(after.frozen_plan).toMatchObject({ targetDeals: 250, lookDeals: [250] })
            expect(after.target_deals).toBe(250)
            expect(after.completed_at).toEqual(before.completed_at)
            expect(await lastAudit(test.id)).toEqual({
              action: 'test.plan_amended',
              reason: 'The deal rate doubled',
            })
            break
        }
      })
    }
  }

  it('edits a draft plan without an amendment, and deletes a draft with its audit entry', async () => {
    const { ws, test } = await testIn('draft')
    const res = await ws.call('analyst', 'PATCH', `/tests/${test.id}`, { plan: { targetDeals: 250 } })
    expect(res.body).toMatchObject({ status: 'draft', plan: { targetDeals: 250 }, frozenPlan: null })
    expect(await lastAudit(test.id)).toMatchObject({ action: 'test.updated' })
    expect((await ws.call('analyst', 'DELETE', `/tests/${test.id}`)).status).toBe(204)
    expect(await lastAudit(test.id)).toMatchObject({ action: 'test.deleted' })
  })

  it('writes tests.status only in the lifecycle service', async () => {
    const { readdir, readFile } = await import('node:fs/promises')
    const files = (await readdir('server', { recursive: true })).filter((f) => f.endsWith('.ts'))
    const writers: string[] = []
    for (const f of files) {
      const text = await readFile(`server/${f}`, 'utf8')
      for (const m of text.matchAll(/updateTable\('tests'\)|update tests\b|insertInto\('tests'\)/g)) {
        const statement = text.slice(m.index, m.index + 400).split(/\n\s*\n/)[0]!
        if (/status|\.set\(patch\)/.test(statement)) writers.push(f)
      }
    }
    expect(writers).toEqual(['services/test-lifecycle.ts'])
    const lifecycle = await readFile('server/services/test-lifecycle.ts', 'utf8')
    expect(lifecycle).toMatch(/const patch: Updateable<TestsTable> = \{ status: next/)
  })
})

/** A new workspace whose members' sessions stay valid until a day after `until` (they last a day from their making). */
async function workspaceValidAt(until: Date) {
  const now = ctx.now()
  ctx.setNow(until)
  const ws = await ctx.newWorkspace()
  ctx.setNow(now)
  return ws
}

/** Deals for customers C-from…, closed at `closedAt`, converting by the given rule. */
function deals(n: number, from: number, closedAt: Date, converts: (i: number) => boolean) {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k
    return {
      externalId: `D-${i}`,
      customerKey: `C-${i}`,
      closedAt: closedAt.toISOString(),
      converted: converts(i),
    }
  })
}

describe('interim looks from the first deal to the decision and after an extension', () => {
  for (const looks of [0, 1, 3]) {
    it(`keeps the verdict's boundary equal to the current look's with ${looks} interim look(s)`, async () => {
      const target = 40
      const ws = await ctx.newWorkspace()
      const test = await ws.test({ plan: { targetDeals: target, interimLooks: looks } })
      const start = ctx.now()
      ctx.setNow(new Date(start.getTime() - 10 * DAY))
      await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
      ctx.setNow(start)
      await assign(ws, test.id, 80)
      const planned = Array.from({ length: looks + 1 }, (_, i) =>
        i === looks ? target : Math.ceil(((i + 1) * target) / (looks + 1)),
      )
      const bounds = obrienFlemingBoundaries(
        0.05,
        planned.map((d) => d / target),
      )
      let sent = 0
      for (const batch of [1, 10, 11, 9, 9]) {
        const res = await ws.call(
          'analyst',
          'POST',
          `/tests/${test.id}/deals`,
          deals(batch, sent, new Date(start.getTime() - 5 * DAY), (i) => i % 3 === 0),
        )
        expect(res.status).toBe(200)
        sent += batch
        const results = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
        expect(results.status).toBe(200)
        const total = Math.min(sent, results.body.progress.deals.total)
        const reached = planned.filter((d) => total >= d).length
        if (looks === 0) {
          expect(results.body.verdict.sequential).toBeNull()
          expect(results.body.interimLooks).toEqual([])
        } else {
          const current = results.body.verdict.sequential
          expect(current.lookNumber).toBe(Math.max(1, reached))
          expect(current.boundary).toBeCloseTo(bounds.boundaries[current.lookNumber - 1]!, 9)
          expect(results.body.interimLooks[current.lookNumber - 1].boundary).toBe(current.boundary)
          expect(results.body.interimLooks.map((l: { deals: number }) => l.deals)).toEqual(planned)
        }
      }
      expect((await ws.call('analyst', 'GET', `/tests/${test.id}`)).body.status).toBe('completed')
      const extended = await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
        verdict: 'extend',
        rationale: 'Not enough to tell',
        extendTargetDeals: 60,
      })
      expect(extended.status).toBe(201)
      const after = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
      expect(after.status).toBe(200)
      expect(after.body.test.status).toBe('running')
      if (looks > 0) {
        // The looks already taken stay where they were; the new target is the final look.
        expect(after.body.plan.lookDeals).toEqual([...planned, 60])
        expect(after.body.verdict.sequential.lookNumber).toBe(planned.length)
      }
      const more = await ws.call(
        'analyst',
        'POST',
        `/tests/${test.id}/deals`,
        deals(20, 40, new Date(ctx.now().getTime() - 1000), (i) => i % 2 === 0),
      )
      expect(more.body).toMatchObject({ inserted: 20, late: 0, testStatus: 'completed' })
      const final = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
      expect(final.body.progress.deals.total).toBe(60)
      if (looks > 0) expect(final.body.verdict.sequential.lookNumber).toBe(planned.length + 1)
      await ws.call('analyst', 'POST', `/tests/${test.id}/close-out`, { outcome: 'refuted', learnings: '' })
      const decided = await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
        verdict: 'reject',
        rationale: 'Held up',
      })
      expect(decided.status).toBe(201)
      const snapshot = decided.body.results
      expect(snapshot.verdict.sequential).toEqual(final.body.verdict.sequential)
      expect((await ws.call('leader', 'GET', `/tests/${test.id}/results`)).status).toBe(200)
    })
  }

  it('answers the page of a finished test with 3 interim looks (no look past the last)', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test({ plan: { targetDeals: 40, interimLooks: 3 } })
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    await assign(ws, test.id, 45)
    const now = ctx.now()
    await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/deals`,
      deals(22, 0, now, (i) => i % 2 === 0),
    )
    const at22 = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(at22.body.verdict.sequential.lookNumber).toBe(2)
    expect(at22.body.verdict.sequential.boundary).toBe(at22.body.interimLooks[1].boundary)
    expect(at22.body.interimLooks[1].boundary).toBeCloseTo(2.963, 3)
    await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/deals`,
      deals(20, 22, now, (i) => i % 2 === 0),
    )
    const done = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(done.status).toBe(200)
    expect(done.body.verdict.sequential).toMatchObject({ lookNumber: 4 })
  })

  it('completes early for efficacy only when the plan says so, and not before its minimum duration', async () => {
    for (const stopForEfficacy of [false, true]) {
      const ws = await ctx.newWorkspace()
      const test = await ws.test({ plan: { targetDeals: 200, interimLooks: 1, stopForEfficacy } })
      const start = ctx.now()
      ctx.setNow(new Date(start.getTime() - 10 * DAY))
      await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
      ctx.setNow(start)
      await assign(ws, test.id, 120)
      const groups = new Map<string, string>(
        (await ws.call('analyst', 'GET', `/tests/${test.id}/assignments`)).body.items.map(
          (a: { customerKey: string; group: string }) => [a.customerKey, a.group],
        ),
      )
      // Treatment converts every time, control never: far beyond the first look's boundary.
      const batch = deals(
        110,
        0,
        new Date(start.getTime() - DAY),
        (i) => groups.get(`C-${i}`) === 'treatment',
      )
      const res = await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, batch)
      expect(res.body.testStatus).toBe(stopForEfficacy ? 'completed' : 'running')
      if (stopForEfficacy) expect((await row(test.id)).completion_reason).toBe('efficacy_boundary')
    }
  })
})

describe('completion', () => {
  it('keeps a test that reaches its target before its minimum duration running, and says until when', async () => {
    const ws = await workspaceValidAt(new Date(ctx.now().getTime() + DAY / 2))
    const test = await ws.test({ plan: { targetDeals: 6, minDurationDays: 30 } })
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    const startedAt = ctx.now()
    await assign(ws, test.id, 10)
    ctx.setNow(new Date(startedAt.getTime() + 5000))
    const res = await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/deals`,
      deals(6, 0, ctx.now(), () => true),
    )
    expect(res.body.testStatus).toBe('running')
    const results = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(results.body.progress).toMatchObject({
      targetReached: true,
      waitingForMinimumDuration: true,
      minimumDurationEnds: new Date(startedAt.getTime() + 30 * DAY).toISOString(),
      projectedCompletion: new Date(startedAt.getTime() + 30 * DAY).toISOString(),
    })
    expect(results.body.test.completionDue).toBeNull()
    expect(await sweepTests(ctx.db, new Date(startedAt.getTime() + 29 * DAY))).toBe(0)
    expect(await sweepTests(ctx.db, new Date(startedAt.getTime() + 30 * DAY + 1))).toBe(1)
    expect(await row(test.id)).toMatchObject({ status: 'completed', completion_reason: 'target_reached' })
    ctx.setNow(startedAt)
  })

  it('leaves out deals closed after a manual completion, flagged late, and counts those closed before', async () => {
    const { ws, test } = await testIn('running')
    const now = ctx.now()
    await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/deals`,
      deals(6, 0, now, (i) => i % 2 === 0),
    )
    ctx.setNow(new Date(now.getTime() + 60_000))
    await ws.call('analyst', 'POST', `/tests/${test.id}/complete`, { reason: 'The campaign was stopped' })
    expect(await lastAudit(test.id)).toEqual({ action: 'test.completed', reason: 'The campaign was stopped' })
    ctx.setNow(new Date(now.getTime() + 120_000))
    const after = await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [
      ...deals(3, 6, ctx.now(), () => true),
      ...deals(1, 9, now, () => false),
    ])
    expect(after.body).toMatchObject({ inserted: 4, late: 3, testStatus: 'completed' })
    const results = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(results.body.progress.deals.total).toBe(7)
    expect(results.body.lateDeals).toBe(3)
  })

  it('counts the deals after an extension, reaches the new target and completes again', async () => {
    const ws = await workspaceValidAt(new Date(ctx.now().getTime() + 2 * DAY))
    const test = await ws.test({ plan: { targetDeals: 6 } })
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    await assign(ws, test.id, 20)
    const t0 = ctx.now()
    await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/deals`,
      deals(6, 0, t0, (i) => i % 2 === 0),
    )
    expect((await row(test.id)).status).toBe('completed')
    ctx.setNow(new Date(t0.getTime() + DAY))
    // Closed after the completion: late until the extension counts it.
    const gap = await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/deals`,
      deals(2, 6, ctx.now(), () => true),
    )
    expect(gap.body.late).toBe(2)
    await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
      verdict: 'extend',
      rationale: 'More data',
      extendTargetDeals: 10,
    })
    const extended = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(extended.body).toMatchObject({
      lateDeals: 0,
      progress: { deals: { total: 8 } },
      test: { status: 'running' },
    })
    ctx.setNow(new Date(t0.getTime() + 2 * DAY))
    const more = await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/deals`,
      deals(2, 8, ctx.now(), () => false),
    )
    expect(more.body).toMatchObject({ inserted: 2, late: 0, testStatus: 'completed' })
    ctx.setNow(t0)
  })

  it('refuses an extension that cannot be reached', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test({ plan: { targetDeals: 4 } })
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    await assign(ws, test.id, 10)
    await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/deals`,
      deals(4, 0, ctx.now(), () => true),
    )
    const res = await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
      verdict: 'extend',
      rationale: 'More',
      extendTargetDeals: 4,
    })
    expect(res.status).toBe(422)
    expect(res.body.error.details[0].path).toBe('body.extendTargetDeals')
    expect((await row(test.id)).status).toBe('completed')
    expect(
      await ctx.db.selectFrom('decisions').select('id').where('test_id', '=', test.id).execute(),
    ).toEqual([])
  })
})

/**
 * A started test with `n` deals, the clock then moved a day past its maximum duration (the
 * members' sessions still valid); `start` is when it started, for the caller to set the clock back.
 */
async function runningUntilTimeUp(plan: { targetDeals: number; maxDurationDays: number }, n: number) {
  const later = (plan.maxDurationDays + 1) * DAY
  const ws = await workspaceValidAt(new Date(ctx.now().getTime() + later))
  const test = await ws.test({ plan })
  const start = ctx.now()
  await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
  await assign(ws, test.id, 10)
  await ws.call(
    'analyst',
    'POST',
    `/tests/${test.id}/deals`,
    deals(n, 0, start, (i) => i < 2),
  )
  ctx.setNow(new Date(start.getTime() + later))
  return { ws, test, start }
}

describe('reads never write', () => {
  it('answers a test whose time is up as due, analysed as final, without completing it', async () => {
    const { ws, test, start } = await runningUntilTimeUp({ targetDeals: 100, maxDurationDays: 30 }, 4)
    const before = await row(test.id)
    const results = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(results.body.test).toMatchObject({
      status: 'running',
      completionDue: { reason: 'max_duration', at: new Date(start.getTime() + 30 * DAY).toISOString() },
    })
    expect(results.body.provisional).toBe(false)
    expect(await row(test.id)).toEqual(before)
    // The sweep completes it at the moment its time ran out.
    expect(await sweepTests(ctx.db, ctx.now())).toBeGreaterThanOrEqual(1)
    expect((await row(test.id)).completed_at).toEqual(new Date(start.getTime() + 30 * DAY))
    ctx.setNow(start)
  })

  it('adds no audit entry, notice or delivery on any GET of the API', async () => {
    const { ws, test, start } = await runningUntilTimeUp({ targetDeals: 4, maxDurationDays: 10 }, 3)
    const counts = async () => {
      const [audit, notices, deliveries, tests] = await Promise.all(
        (['audit_log', 'notifications', 'webhook_deliveries', 'tests'] as const).map((t) =>
          ctx.db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow(),
        ),
      )
      return { audit, notices, deliveries, tests, status: (await row(test.id)).status }
    }
    const before = await counts()
    const doc = (await ctx.request({}, 'GET', '/api/openapi.json')).body
    let gets = 0
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
      if (!('get' in ops)) continue
      const url = path
        .replace('{workspace}', ws.slug)
        .replace('{id}', String(test.id))
        .replace(/\{[^}]+\}/g, '1')
      for (const caller of ['leader', 'admin'] as const) {
        const res = await ws.call(caller, 'GET', url)
        expect(res.status, `GET ${url}`).toBeLessThan(500)
        gets++
      }
    }
    expect(gets).toBeGreaterThan(20)
    expect(await counts()).toEqual(before)
    ctx.setNow(start)
  })
})

describe('close-out, then decision', () => {
  /** A completed test on a barrier of its own, with 20 deals in. */
  async function completedOnBarrier() {
    const ws = await ctx.newWorkspace()
    const stage = await ws.stage()
    const barrier = await ws.barrier({ stageId: stage.id })
    const rec = await ws.recommendation({ stageId: stage.id, barrierId: barrier.id })
    const h = await ws.hypothesis({ recommendationId: rec.id, baselineRate: 0.3, expectedLift: 0.1 })
    const test = await ws.test({ hypothesisId: h.id, plan: { targetDeals: 20 } })
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    await assign(ws, test.id, 20)
    await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/deals`,
      deals(20, 0, ctx.now(), (i) => i % 3 === 0),
    )
    expect((await row(test.id)).status).toBe('completed')
    const status = async () => ({
      hypothesis: (await ws.call('analyst', 'GET', `/hypotheses/${h.id}`)).body.status,
      barrier: (await ws.call('analyst', 'GET', `/barriers/${barrier.id}`)).body.status,
    })
    return { ws, test, status }
  }
  const decide = (ws: WorkspaceFixture, id: number, body: object) =>
    ws.call('leader', 'POST', `/tests/${id}/decision`, { rationale: 'Because', ...body })

  it('refuses a decision before the close-out, and takes the hypothesis status from the close-out', async () => {
    const { ws, test, status } = await completedOnBarrier()
    const early = await decide(ws, test.id, { verdict: 'reject' })
    expect(early.status).toBe(409)
    expect(early.body.error.code).toBe('close_out_required')
    expect(await status()).toEqual({ hypothesis: 'testing', barrier: 'testing' })
    for (const [outcome, hypothesis] of [
      ['supported', 'validated'],
      ['refuted', 'refuted'],
      ['inconclusive', 'inconclusive'],
    ]) {
      const res = await ws.call('analyst', 'POST', `/tests/${test.id}/close-out`, { outcome, learnings: 'x' })
      expect(res.status).toBe(200)
      expect(res.body.closeOut).toMatchObject({ outcome, learnings: 'x', closedOutBy: ws.members.analyst.id })
      expect(['supported', 'refuted', 'inconclusive']).toContain(res.body.closeOut.suggested)
      expect((await status()).hypothesis).toBe(hypothesis)
    }
  })

  it('rolls out what was not proven only with the acknowledgement, kept with the decision', async () => {
    const { ws, test, status } = await completedOnBarrier()
    await ws.call('analyst', 'POST', `/tests/${test.id}/close-out`, {
      outcome: 'inconclusive',
      learnings: '',
    })
    const refused = await decide(ws, test.id, { verdict: 'roll_out' })
    expect(refused.status).toBe(422)
    expect(refused.body.error.code).toBe('acknowledgement_required')
    expect(refused.body.error.details[0].path).toBe('body.acknowledgeUnproven')
    expect((await row(test.id)).status).toBe('completed')
    const done = await decide(ws, test.id, {
      verdict: 'roll_out',
      acknowledgeUnproven: true,
      barrierEffect: 'mitigated',
    })
    expect(done.status).toBe(201)
    expect(done.body).toMatchObject({ unprovenAcknowledged: true, barrierEffect: 'mitigated' })
    expect(await status()).toEqual({ hypothesis: 'inconclusive', barrier: 'mitigated' })
  })

  it('marks the barrier addressed or mitigated on a roll-out, and reopens it on an iteration', async () => {
    for (const [body, expected] of [
      [{ verdict: 'roll_out' }, { hypothesis: 'validated', barrier: 'addressed' }],
      [
        { verdict: 'roll_out', barrierEffect: 'mitigated' },
        { hypothesis: 'validated', barrier: 'mitigated' },
      ],
      [{ verdict: 'reject' }, { hypothesis: 'validated', barrier: 'open' }],
      [{ verdict: 'iterate' }, { hypothesis: 'inconclusive', barrier: 'open' }],
    ] as const) {
      const { ws, test, status } = await completedOnBarrier()
      await ws.call('analyst', 'POST', `/tests/${test.id}/close-out`, { outcome: 'supported', learnings: '' })
      const res = await decide(ws, test.id, body)
      expect(res.status).toBe(201)
      expect(res.body.unprovenAcknowledged).toBe(false)
      expect(await status()).toEqual(expected)
    }
  })

  it('refuses a barrier effect on anything but a roll-out', async () => {
    const { ws, test } = await completedOnBarrier()
    const res = await decide(ws, test.id, { verdict: 'reject', barrierEffect: 'mitigated' })
    expect(res.status).toBe(400)
    expect(res.body.error.details[0].path).toBe('body.barrierEffect')
  })
})

describe('one-sided plans with looks', () => {
  it("show each look's boundary and alpha spent as the verdict reads them", async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test({ plan: { targetDeals: 40, interimLooks: 1, alternative: 'greater' } })
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    await assign(ws, test.id, 30)
    await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/deals`,
      deals(24, 0, ctx.now(), (i) => i % 2 === 0),
    )
    const results = (await ws.call('leader', 'GET', `/tests/${test.id}/results`)).body
    const current = results.verdict.sequential
    expect(current.lookNumber).toBe(1)
    expect(results.interimLooks[0]).toMatchObject({
      boundary: current.boundary,
      alphaSpent: current.cumulativeAlpha,
    })
    const twoSided = obrienFlemingBoundaries(0.1, [0.5, 1])
    expect(current.boundary).toBeCloseTo(twoSided.boundaries[0]!, 12)
  })
})

describe('a test completed before its first deal', () => {
  it('reads and closes out a plan with interim looks and no deals', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test({ plan: { targetDeals: 40, interimLooks: 3 } })
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    await ws.call('analyst', 'POST', `/tests/${test.id}/complete`)
    const results = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(results.status).toBe(200)
    expect(results.body.closeOut.suggestion).toEqual({ outcome: 'inconclusive', reason: 'no_data' })
    const closed = await ws.call('analyst', 'POST', `/tests/${test.id}/close-out`, {
      outcome: 'inconclusive',
      learnings: '',
    })
    expect(closed.status).toBe(200)
  })
})
