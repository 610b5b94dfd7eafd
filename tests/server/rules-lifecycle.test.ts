import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import { expectErrorShape } from '../trust/world.ts'

// The rules of a test's life, each written from the rule and checked on both sides: the plan of a
// started test changes only with a reason, whatever the state it is in; a one-sided plan counts
// only a rise as crossing its boundary; an iteration reopens the barrier and leaves the hypothesis
// inconclusive.

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

type State = 'draft' | 'running' | 'paused' | 'completed' | 'decided'

const testRow = (id: number) =>
  ctx.db.selectFrom('tests').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const auditOf = (ws: WorkspaceFixture, after = 0) =>
  ctx.db
    .selectFrom('audit_log')
    .select(['id', 'action', 'subject_type', 'subject_id', 'reason', 'actor_user_id', 'before', 'after'])
    .where('workspace_id', '=', ws.id)
    .where('id', '>', after)
    .orderBy('id')
    .execute()
const lastAuditId = async (ws: WorkspaceFixture) => (await auditOf(ws)).at(-1)?.id ?? 0

async function assign(ws: WorkspaceFixture, testId: number, n: number) {
  const customers = Array.from({ length: n }, (_, i) => ({ customerKey: `C-${i}` }))
  const res = await ws.call('analyst', 'POST', `/tests/${testId}/assignments`, { customers })
  expect(res.status).toBe(200)
  return new Map<string, 'control' | 'treatment'>(
    res.body.items.map((a: { customerKey: string; group: 'control' | 'treatment' }) => [
      a.customerKey,
      a.group,
    ]),
  )
}

/** A test of its own brought to `state` through the API. */
async function testIn(state: State, plan: Record<string, unknown> = {}) {
  const ws = await ctx.newWorkspace()
  const test = await ws.test({ plan: { targetDeals: 100, ...plan } })
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await ws.call('admin', method, path, body)
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300)
  }
  if (state !== 'draft') {
    await ok('POST', `/tests/${test.id}/start`)
    await assign(ws, test.id, 10)
  }
  if (state === 'paused') await ok('POST', `/tests/${test.id}/pause`)
  if (state === 'completed' || state === 'decided') await ok('POST', `/tests/${test.id}/complete`)
  if (state === 'decided') {
    await ok('POST', `/tests/${test.id}/close-out`, { outcome: 'refuted', learnings: 'No rise' })
    await ok('POST', `/tests/${test.id}/decision`, { verdict: 'reject', rationale: 'No rise' })
  }
  return { ws, test }
}

/**
 * Every plan field that may be amended after the start, with a value other than the one
 * `testIn` plans (the split, the assignment and the primary method never change).
 */
const AMENDABLE: Record<string, unknown> = {
  targetDeals: 250,
  alpha: 0.01,
  power: 0.9,
  alternative: 'greater',
  minDurationDays: 3,
  maxDurationDays: 90,
  interimLooks: 2,
  stopForEfficacy: true,
}

describe("a started test's plan changes only with a reason", () => {
  for (const state of ['running', 'paused', 'completed'] as const) {
    it(`refuses every change of a ${state} test's plan without a reason, and changes nothing`, async () => {
      const { ws, test } = await testIn(state)
      const before = await testRow(test.id)
      const mark = await lastAuditId(ws)
      for (const [field, value] of Object.entries(AMENDABLE)) {
        for (const body of [
          { plan: { [field]: value } },
          { plan: { [field]: value }, name: 'Renamed along the way' },
        ]) {
          const res = await ws.call('analyst', 'PATCH', `/tests/${test.id}`, body)
          expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(409)
          expectErrorShape(res)
          expect(res.body.error.code).toBe('test_plan_frozen')
          expect(res.body.error.details).toEqual([
            { path: 'body.amendmentReason', message: expect.any(String) },
          ])
        }
      }
      expect(await testRow(test.id)).toEqual(before)
      expect(await auditOf(ws, mark)).toEqual([])
    })

    it(`amends a ${state} test's plan with a reason, on the record, and keeps its state`, async () => {
      for (const [field, value] of Object.entries(AMENDABLE)) {
        const { ws, test } = await testIn(state)
        const before = await testRow(test.id)
        const mark = await lastAuditId(ws)
        const reason = `Amending ${field}`
        const res = await ws.call('analyst', 'PATCH', `/tests/${test.id}`, {
          plan: { [field]: value },
          amendmentReason: reason,
        })
        expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(200)
        expect(res.body.status).toBe(state)
        expect(res.body.frozenPlan[field]).toEqual(value)
        const after = await testRow(test.id)
        expect(after.frozen_plan).toMatchObject({ [field]: value })
        expect(after.status).toBe(before.status)
        expect(after.started_at).toEqual(before.started_at)
        const entries = await auditOf(ws, mark)
        const amended = entries.filter((e) => e.action === 'test.plan_amended')
        expect(amended, field).toHaveLength(1)
        expect(amended[0]).toMatchObject({
          subject_type: 'test',
          subject_id: test.id,
          reason,
          actor_user_id: ws.members.analyst.id,
          before: { status: state, frozenPlan: before.frozen_plan },
          after: { status: state, change: { [field]: value } },
        })
      }
    })
  }

  it('renames a started test without a reason: only the plan is frozen', async () => {
    for (const state of ['running', 'paused', 'completed'] as const) {
      const { ws, test } = await testIn(state)
      const before = await testRow(test.id)
      const res = await ws.call('analyst', 'PATCH', `/tests/${test.id}`, { name: 'A clearer name' })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      const after = await testRow(test.id)
      expect(after.name).toBe('A clearer name')
      expect(after.frozen_plan).toEqual(before.frozen_plan)
    }
  })

  it("edits a draft's plan freely, without a reason and without an amendment", async () => {
    for (const [field, value] of Object.entries(AMENDABLE)) {
      const { ws, test } = await testIn('draft')
      const mark = await lastAuditId(ws)
      const res = await ws.call('analyst', 'PATCH', `/tests/${test.id}`, { plan: { [field]: value } })
      expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(200)
      expect(res.body).toMatchObject({ status: 'draft', frozenPlan: null, plan: { [field]: value } })
      expect((await auditOf(ws, mark)).map((e) => e.action)).toEqual(['test.updated'])
    }
  })

  it("refuses any change of a decided test's plan, with a reason or without", async () => {
    const { ws, test } = await testIn('decided')
    const before = await testRow(test.id)
    const mark = await lastAuditId(ws)
    const without = await ws.call('analyst', 'PATCH', `/tests/${test.id}`, { plan: { targetDeals: 250 } })
    expect(without.status).toBe(409)
    expectErrorShape(without)
    const withReason = await ws.call('analyst', 'PATCH', `/tests/${test.id}`, {
      plan: { targetDeals: 250 },
      amendmentReason: 'Too late',
    })
    expect(withReason.status).toBe(409)
    expect(withReason.body.error.code).toBe('wrong_state')
    expect(await testRow(test.id)).toEqual(before)
    expect(await auditOf(ws, mark)).toEqual([])
  })

  it('refuses, even with a reason, a change of the split, the assignment or the primary method', async () => {
    for (const state of ['running', 'paused', 'completed'] as const) {
      const { ws, test } = await testIn(state)
      const before = await testRow(test.id)
      const other = before.frozen_plan!.primaryMethod === 'exact' ? 'score' : 'exact'
      for (const plan of [
        { controlShare: 0.3 },
        { assignmentMethod: 'stratified_blocks' },
        { blockSize: 6 },
        { primaryMethod: other },
      ]) {
        const res = await ws.call('analyst', 'PATCH', `/tests/${test.id}`, {
          plan,
          amendmentReason: 'Trying anyway',
        })
        expect(res.status, JSON.stringify(plan)).toBe(409)
        expect(res.body.error.code).toBe('test_plan_frozen')
      }
      expect(await testRow(test.id)).toEqual(before)
    }
  })
})

describe('deleting a test', () => {
  it('deletes a draft with exactly one audit entry holding what was deleted', async () => {
    const { ws, test } = await testIn('draft')
    const before = await testRow(test.id)
    const mark = await lastAuditId(ws)
    const res = await ws.call('analyst', 'DELETE', `/tests/${test.id}`)
    expect(res.status).toBe(204)
    expect(await ctx.db.selectFrom('tests').select('id').where('id', '=', test.id).execute()).toEqual([])
    const entries = await auditOf(ws, mark)
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      action: 'test.deleted',
      subject_type: 'test',
      subject_id: test.id,
      actor_user_id: ws.members.analyst.id,
      after: null,
    })
    expect(entries[0]!.before).toMatchObject({ id: test.id, name: before.name, status: 'draft' })
  })

  it('refuses to delete a started test, and writes nothing', async () => {
    for (const state of ['running', 'paused', 'completed', 'decided'] as const) {
      const { ws, test } = await testIn(state)
      const before = await testRow(test.id)
      const mark = await lastAuditId(ws)
      const res = await ws.call('analyst', 'DELETE', `/tests/${test.id}`)
      expect(res.status, state).toBe(409)
      expectErrorShape(res)
      expect(await testRow(test.id)).toEqual(before)
      expect(await auditOf(ws, mark)).toEqual([])
    }
  })
})

/** A completed test on a barrier of its own, closed out with `outcome`. */
async function closedOutOnBarrier(outcome: 'supported' | 'refuted' | 'inconclusive') {
  const ws = await ctx.newWorkspace()
  const stage = await ws.stage()
  const barrier = await ws.barrier({ stageId: stage.id })
  const rec = await ws.recommendation({ stageId: stage.id, barrierId: barrier.id })
  const hypothesis = await ws.hypothesis({ recommendationId: rec.id })
  const test = await ws.test({ hypothesisId: hypothesis.id, plan: { targetDeals: 100 } })
  expect((await ws.call('analyst', 'POST', `/tests/${test.id}/start`)).status).toBe(200)
  expect((await ws.call('analyst', 'POST', `/tests/${test.id}/complete`)).status).toBe(200)
  const closed = await ws.call('analyst', 'POST', `/tests/${test.id}/close-out`, { outcome, learnings: '' })
  expect(closed.status).toBe(200)
  const status = async () => ({
    hypothesis: (await ws.call('leader', 'GET', `/hypotheses/${hypothesis.id}`)).body.status,
    barrier: (await ws.call('leader', 'GET', `/barriers/${barrier.id}`)).body.status,
  })
  return { ws, test, hypothesis, barrier, status }
}

describe('an iteration', () => {
  for (const outcome of ['supported', 'refuted', 'inconclusive'] as const) {
    it(`reopens the barrier under test and marks the hypothesis inconclusive after the close-out said ${outcome}`, async () => {
      const { ws, test, hypothesis, barrier, status } = await closedOutOnBarrier(outcome)
      expect((await status()).barrier).toBe('testing')
      const mark = await lastAuditId(ws)
      const res = await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
        verdict: 'iterate',
        rationale: 'Rework the email and test again',
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      expect(await status()).toEqual({ hypothesis: 'inconclusive', barrier: 'open' })
      expect((await testRow(test.id)).status).toBe('decided')
      const entries = (await auditOf(ws, mark)).map((e) => [e.action, e.subject_id])
      expect(entries).toContainEqual(['barrier.open', barrier.id])
      // The close-out already made it inconclusive: no second entry says so again.
      const marked = entries.filter(([a]) => a === 'hypothesis.inconclusive')
      expect(marked).toEqual(outcome === 'inconclusive' ? [] : [['hypothesis.inconclusive', hypothesis.id]])
    })
  }

  it('leaves a barrier that is no longer under test as it is', async () => {
    for (const set of ['addressed', 'mitigated', 'open'] as const) {
      const { ws, test, barrier, status } = await closedOutOnBarrier('supported')
      const edited = await ws.call('marketer', 'PATCH', `/barriers/${barrier.id}`, { status: set })
      expect(edited.status).toBe(200)
      const res = await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
        verdict: 'iterate',
        rationale: 'Rework it',
      })
      expect(res.status).toBe(201)
      expect(await status()).toEqual({ hypothesis: 'inconclusive', barrier: set })
    }
  })

  it('differs from a rejection, which keeps the hypothesis status the close-out set', async () => {
    const { ws, test, status } = await closedOutOnBarrier('supported')
    const res = await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
      verdict: 'reject',
      rationale: 'Too costly',
    })
    expect(res.status).toBe(201)
    expect(await status()).toEqual({ hypothesis: 'validated', barrier: 'open' })
  })
})

describe('a one-sided plan with interim looks', () => {
  const DAY = 86_400_000

  /**
   * A started test of 40 deals with one interim look at 20 (plan `alternative`), and 20 deals in:
   * 10 per arm, the treatment converting every time and the control never (`treatment: 'better'`),
   * or the other way round. Either way |z| is about 4.5, far past the first look's boundary.
   */
  async function atFirstLook(
    alternative: 'greater' | 'two-sided',
    treatment: 'better' | 'worse',
    stopForEfficacy = false,
  ) {
    const ws = await ctx.newWorkspace()
    const test = await ws.test({ plan: { targetDeals: 40, interimLooks: 1, alternative, stopForEfficacy } })
    const start = ctx.now()
    ctx.setNow(new Date(start.getTime() - 2 * DAY))
    expect((await ws.call('analyst', 'POST', `/tests/${test.id}/start`)).status).toBe(200)
    ctx.setNow(start)
    const groups = await assign(ws, test.id, 60)
    const pick = (g: 'control' | 'treatment') =>
      [...groups].filter(([, group]) => group === g).map(([key]) => key)
    const [control, treated] = [pick('control').slice(0, 10), pick('treatment').slice(0, 10)]
    expect([control.length, treated.length]).toEqual([10, 10])
    const deals = [...control, ...treated].map((customerKey) => ({
      externalId: `D-${customerKey}`,
      customerKey,
      closedAt: new Date(start.getTime() - DAY).toISOString(),
      converted: (groups.get(customerKey) === 'treatment') === (treatment === 'better'),
    }))
    const sent = await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, deals)
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    const results = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(results.status).toBe(200)
    return { ws, test, sent: sent.body, results: results.body }
  }

  it('does not count a treatment far worse than control as crossing the boundary', async () => {
    const { results } = await atFirstLook('greater', 'worse')
    const look = results.interimLooks[0]
    expect(look.reached).toBe(true)
    expect(look.z).toBeLessThan(-look.boundary)
    expect(look.crossed).toBe(false)
    expect(results.verdict.sequential).toMatchObject({ lookNumber: 1, crossed: false })
    expect(results.verdict.significant).toBe(false)
  })

  it('counts a treatment far better than control as crossing it', async () => {
    const { results } = await atFirstLook('greater', 'better')
    const look = results.interimLooks[0]
    expect(look.z).toBeGreaterThan(look.boundary)
    expect(look.crossed).toBe(true)
    expect(results.verdict.sequential).toMatchObject({ lookNumber: 1, crossed: true })
  })

  it('counts a fall as crossing on a two-sided plan', async () => {
    const { results } = await atFirstLook('two-sided', 'worse')
    const look = results.interimLooks[0]
    expect(look.z).toBeLessThan(-look.boundary)
    expect(look.crossed).toBe(true)
    expect(results.verdict.sequential).toMatchObject({ lookNumber: 1, crossed: true })
  })

  it('stops for efficacy on a rise only, never on a fall', async () => {
    const worse = await atFirstLook('greater', 'worse', true)
    expect(worse.sent.testStatus).toBe('running')
    expect(worse.results.test.completionDue).toBeNull()
    const better = await atFirstLook('greater', 'better', true)
    expect(better.sent.testStatus).toBe('completed')
    expect((await testRow(better.test.id)).completion_reason).toBe('efficacy_boundary')
  })
})
