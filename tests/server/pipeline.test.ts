import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

describe('the whole walk from segment to decision', () => {
  it('follows a barrier to a rolled-out change, each role doing its part, with the audit trail', async () => {
    const ws = await ctx.newWorkspace()
    const segment = await ws.call('marketer', 'POST', '/segments', {
      name: 'Family men 30+',
      yearlyDeals: 2400,
      valuePerConversion: 1200,
    })
    expect(segment.status).toBe(201)
    const journey = await ws.call('marketer', 'POST', '/journeys', {
      segmentId: segment.body.id,
      name: 'Buying a crossover',
    })
    expect(journey.status).toBe(201)
    const stage = await ws.call('marketer', 'POST', '/stages', {
      journeyId: journey.body.id,
      name: 'First visit',
      brandGoals: 'Book a test drive',
    })
    expect(stage.body).toMatchObject({
      position: 0,
      name: 'First visit',
      brandGoals: 'Book a test drive',
      customerGoals: '',
    })
    const touchpoint = await ws.call('marketer', 'POST', '/touchpoints', {
      stageId: stage.body.id,
      channel: 'showroom',
      description: 'Talk with the manager',
    })
    expect(touchpoint.status).toBe(201)
    const barrier = await ws.call('marketer', 'POST', '/barriers', {
      stageId: stage.body.id,
      title: 'Manager pushes the test drive',
      kind: 'goal_clash',
      evidenceSource: 'mystery_shopper',
      evidenceQuotes: ['He kept offering a test drive'],
      shareAffected: 0.3,
      severity: 'high',
    })
    expect(barrier.body).toMatchObject({
      status: 'open',
      links: { recommendations: [], hypotheses: [], tests: [], decisions: [] },
    })
    const rec = await ws.call('marketer', 'POST', '/recommendations', {
      stageId: stage.body.id,
      barrierId: barrier.body.id,
      text: 'Answer first; email chain on extras',
      channel: 'email',
    })
    expect(rec.status).toBe(201)
    const hyp = await ws.call('marketer', 'POST', '/hypotheses', {
      recommendationId: rec.body.id,
      change: 'connect the customer to an email chain',
      expectedOutcome: 'more deals with extras',
      rationale: 'they decide at home',
      primaryMetric: 'extras bought',
      baselineRate: 0.15,
      expectedLift: 0.12,
      ice: { impact: 8, confidence: 7, ease: 8 },
      ownerId: ws.members.marketer.id,
      status: 'ready',
    })
    expect(hyp.body).toMatchObject({
      status: 'ready',
      ice: { score: 448 },
      links: { recommendation: rec.body.id, barrier: barrier.body.id, stage: stage.body.id, tests: [] },
    })

    expect(
      (
        await ws.call('marketer', 'POST', '/tests', {
          hypothesisId: hyp.body.id,
          name: 'Chain',
          plan: { targetDeals: 120 },
        })
      ).status,
    ).toBe(403)
    const test = await ws.call('analyst', 'POST', '/tests', {
      hypothesisId: hyp.body.id,
      name: 'Email chain',
      plan: { targetDeals: 120, controlShare: 0.5 },
    })
    expect(test.body).toMatchObject({
      status: 'draft',
      frozenPlan: null,
      plan: { targetDeals: 120, alpha: 0.05, power: 0.8, alternative: 'two-sided' },
    })

    const started = await ws.call('analyst', 'POST', `/tests/${test.body.id}/start`)
    expect(started.body).toMatchObject({
      status: 'running',
      frozenPlan: { targetDeals: 120, controlShare: 0.5 },
    })
    expect((await ws.call('analyst', 'GET', `/barriers/${barrier.body.id}`)).body.status).toBe('testing')
    expect((await ws.call('analyst', 'GET', `/hypotheses/${hyp.body.id}`)).body.status).toBe('testing')

    const early = await ws.call('leader', 'POST', `/tests/${test.body.id}/decision`, {
      verdict: 'roll_out',
      rationale: 'looks good',
    })
    expect(early.status).toBe(409)
    expect(early.body.error.code).toBe('wrong_state')
    expect((await ws.call('analyst', 'POST', `/tests/${test.body.id}/complete`)).body.status).toBe(
      'completed',
    )
    expect(
      (
        await ws.call('analyst', 'POST', `/tests/${test.body.id}/decision`, {
          verdict: 'roll_out',
          rationale: 'x',
        })
      ).status,
    ).toBe(403)

    const closedOut = await ws.call('analyst', 'POST', `/tests/${test.body.id}/close-out`, {
      outcome: 'supported',
      learnings: 'Held in every dealership',
    })
    expect(closedOut.body.closeOut).toMatchObject({ outcome: 'supported', suggested: 'inconclusive' })
    expect((await ws.call('leader', 'GET', `/hypotheses/${hyp.body.id}`)).body.status).toBe('validated')
    const decision = await ws.call('leader', 'POST', `/tests/${test.body.id}/decision`, {
      verdict: 'roll_out',
      rationale: 'Clear rise at low cost',
      rolloutNote: 'All dealers from next month',
      rolloutStartsOn: '2026-12-01',
    })
    expect(decision.status).toBe(201)
    expect(decision.body).toMatchObject({
      verdict: 'roll_out',
      decidedBy: ws.members.leader.id,
      rolloutStartsOn: '2026-12-01',
      results: { totals: { control: { deals: 0 }, treatment: { deals: 0 } }, verdict: { pValue: null } },
    })

    expect((await ws.call('leader', 'GET', `/tests/${test.body.id}`)).body).toMatchObject({
      status: 'decided',
      links: { decision: decision.body.id, barrier: barrier.body.id },
    })
    expect((await ws.call('leader', 'GET', `/hypotheses/${hyp.body.id}`)).body.status).toBe('validated')
    const addressed = await ws.call('leader', 'GET', `/barriers/${barrier.body.id}`)
    expect(addressed.body).toMatchObject({
      status: 'addressed',
      links: {
        recommendations: [rec.body.id],
        hypotheses: [hyp.body.id],
        tests: [test.body.id],
        decisions: [decision.body.id],
      },
    })

    const map = await ws.call('marketer', 'GET', `/journeys/${journey.body.id}`)
    expect(map.body.stages).toHaveLength(1)
    expect(map.body.stages[0]).toMatchObject({
      touchpoints: [{ channel: 'showroom' }],
      barriers: [{ status: 'addressed' }],
      recommendations: [{ links: { hypotheses: [hyp.body.id] } }],
    })

    const audit = await ws.call('leader', 'GET', '/audit?limit=100')
    const actions = audit.body.items.map((e: { action: string }) => e.action).reverse()
    expect(actions).toEqual([
      'segment.created',
      'journey.created',
      'stage.created',
      'touchpoint.created',
      'barrier.created',
      'recommendation.created',
      'hypothesis.created',
      'test.created',
      'test.started',
      'hypothesis.testing',
      'barrier.testing',
      'test.completed',
      'test.closed_out',
      'hypothesis.validated',
      'decision.created',
      'test.decided',
      'barrier.addressed',
    ])
    const decided = audit.body.items.find((e: { action: string }) => e.action === 'test.decided')
    expect(decided).toMatchObject({
      actor: { userId: ws.members.leader.id },
      before: { status: 'completed' },
      after: { status: 'decided' },
    })
  })

  it('reopens the barrier when the decision rejects the change', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test()
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    await ws.call('analyst', 'POST', `/tests/${test.id}/complete`)
    await ws.call('analyst', 'POST', `/tests/${test.id}/close-out`, { outcome: 'refuted', learnings: '' })
    expect(
      (
        await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
          verdict: 'reject',
          rationale: 'No effect',
        })
      ).status,
    ).toBe(201)
    expect((await ws.call('leader', 'GET', `/barriers/${test.links.barrier}`)).body.status).toBe('open')
    expect((await ws.call('leader', 'GET', `/hypotheses/${test.hypothesisId}`)).body.status).toBe('refuted')
  })

  it('sends an extended test back to running with the new target recorded as an amendment', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test()
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    await ws.call('analyst', 'POST', `/tests/${test.id}/complete`)
    const d = await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
      verdict: 'extend',
      rationale: 'Too early to tell',
      extendTargetDeals: 200,
    })
    expect(d.status).toBe(201)
    const after = await ws.call('leader', 'GET', `/tests/${test.id}`)
    expect(after.body).toMatchObject({
      status: 'running',
      completedAt: null,
      frozenPlan: { targetDeals: 200 },
      plan: { targetDeals: 200 },
    })
    const audit = await ws.call('leader', 'GET', `/audit?subjectType=test&subjectId=${test.id}`)
    expect(audit.body.items[0]).toMatchObject({ action: 'test.extended', reason: 'Too early to tell' })
  })

  it("refuses a silent change to a started test's plan and records an amendment with its reason", async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test()
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    const silent = await ws.call('analyst', 'PATCH', `/tests/${test.id}`, { plan: { targetDeals: 300 } })
    expect(silent.status).toBe(409)
    expect(silent.body.error.code).toBe('test_plan_frozen')
    expect((await ws.call('analyst', 'GET', `/tests/${test.id}`)).body.frozenPlan.targetDeals).toBe(120)
    const split = await ws.call('analyst', 'PATCH', `/tests/${test.id}`, {
      plan: { controlShare: 0.3 },
      amendmentReason: 'more treatment',
    })
    expect(split.status).toBe(409)
    const amended = await ws.call('analyst', 'PATCH', `/tests/${test.id}`, {
      plan: { targetDeals: 300 },
      amendmentReason: "The segment's deal rate doubled",
    })
    expect(amended.body).toMatchObject({ frozenPlan: { targetDeals: 300 }, plan: { targetDeals: 300 } })
    const audit = await ws.call('analyst', 'GET', `/audit?subjectType=test&subjectId=${test.id}`)
    expect(audit.body.items[0]).toMatchObject({
      action: 'test.plan_amended',
      reason: "The segment's deal rate doubled",
      before: { status: 'running', frozenPlan: { targetDeals: 120 } },
      after: { status: 'running', frozenPlan: { targetDeals: 300 }, change: { targetDeals: 300 } },
    })
  })

  it("computes the target from the hypothesis's baseline and expected lift when none is given", async () => {
    const ws = await ctx.newWorkspace()
    const h = await ws.hypothesis({ baselineRate: 0.15, expectedLift: 0.12 })
    const test = await ws.call('analyst', 'POST', '/tests', { hypothesisId: h.id, name: 'Auto target' })
    expect(test.status).toBe(201)
    // R: power.prop.test(p1 = 0.15, p2 = 0.27, power = 0.8)$n = 179.6678 per arm → 180 per arm, 360 in all
    expect(test.body.plan.targetDeals).toBe(360)
    const bare = await ws.hypothesis({ baselineRate: null, expectedLift: null })
    const refused = await ws.call('analyst', 'POST', '/tests', { hypothesisId: bare.id, name: 'No target' })
    expect(refused.status).toBe(422)
    expect(refused.body.error.details[0].path).toBe('body.plan.targetDeals')
  })

  it('moves, inserts and removes stages keeping positions dense', async () => {
    const ws = await ctx.newWorkspace()
    const journey = await ws.journey()
    const names = ['Choose', 'Compare', 'Dealer', 'Contact']
    const ids: number[] = []
    for (const name of names)
      ids.push((await ws.call('marketer', 'POST', '/stages', { journeyId: journey.id, name })).body.id)
    const order = async () =>
      (await ws.call('marketer', 'GET', `/journeys/${journey.id}`)).body.stages.map(
        (s: { name: string; position: number }) => `${s.position}:${s.name}`,
      )
    expect(await order()).toEqual(['0:Choose', '1:Compare', '2:Dealer', '3:Contact'])
    await ws.call('marketer', 'PATCH', `/stages/${ids[3]}`, { position: 0 })
    expect(await order()).toEqual(['0:Contact', '1:Choose', '2:Compare', '3:Dealer'])
    await ws.call('marketer', 'PATCH', `/stages/${ids[3]}`, { position: 2 })
    expect(await order()).toEqual(['0:Choose', '1:Compare', '2:Contact', '3:Dealer'])
    await ws.call('marketer', 'POST', '/stages', { journeyId: journey.id, name: 'Visit', position: 1 })
    expect(await order()).toEqual(['0:Choose', '1:Visit', '2:Compare', '3:Contact', '4:Dealer'])
    expect((await ws.call('marketer', 'DELETE', `/stages/${ids[1]}`)).status).toBe(204)
    expect(await order()).toEqual(['0:Choose', '1:Visit', '2:Contact', '3:Dealer'])
  })

  it('refuses to delete a stage that still has barriers, and a segment that still has journeys', async () => {
    const ws = await ctx.newWorkspace()
    const barrier = await ws.barrier()
    const stageDelete = await ws.call('marketer', 'DELETE', `/stages/${barrier.stageId}`)
    expect(stageDelete.status).toBe(409)
    expect(stageDelete.body.error.code).toBe('in_use')
    const journey = await ws.journey()
    const segmentDelete = await ws.call('marketer', 'DELETE', `/segments/${journey.segmentId}`)
    expect(segmentDelete.status).toBe(409)
    expect((await ws.call('marketer', 'GET', `/segments/${journey.segmentId}`)).status).toBe(200)
  })

  it('sorts the backlog by ICE score and filters it by status and segment', async () => {
    const ws = await ctx.newWorkspace()
    const rec = await ws.recommendation()
    const low = await ws.hypothesis({ recommendationId: rec.id, ice: { impact: 2, confidence: 2, ease: 2 } })
    const high = await ws.hypothesis({
      recommendationId: rec.id,
      ice: { impact: 9, confidence: 9, ease: 9 },
      status: 'ready',
    })
    const none = await ws.hypothesis({ recommendationId: rec.id, ice: null })
    const sorted = await ws.call('marketer', 'GET', '/hypotheses?sort=score')
    expect(sorted.body.items.map((h: { id: number }) => h.id)).toEqual([high.id, low.id, none.id])
    const ready = await ws.call('marketer', 'GET', '/hypotheses?status=ready')
    expect(ready.body.items.map((h: { id: number }) => h.id)).toEqual([high.id])
    const otherSegment = await ws.segment()
    expect((await ws.call('marketer', 'GET', `/hypotheses?segment=${otherSegment.id}`)).body.items).toEqual(
      [],
    )
  })

  it('pages lists with a cursor', async () => {
    const ws = await ctx.newWorkspace()
    for (let i = 0; i < 5; i++) await ws.segment({ name: `S${i}` })
    const first = await ws.call('marketer', 'GET', '/segments?limit=2')
    expect(first.body.items.map((s: { name: string }) => s.name)).toEqual(['S0', 'S1'])
    const second = await ws.call('marketer', 'GET', `/segments?limit=2&cursor=${first.body.nextCursor}`)
    expect(second.body.items.map((s: { name: string }) => s.name)).toEqual(['S2', 'S3'])
    const third = await ws.call('marketer', 'GET', `/segments?limit=2&cursor=${second.body.nextCursor}`)
    expect(third.body).toEqual({ items: [expect.objectContaining({ name: 'S4' })], nextCursor: null })
  })

  it('changes only the fields a PATCH sends', async () => {
    const ws = await ctx.newWorkspace()
    const stage = await ws.stage()
    const barrier = await ws.call('marketer', 'POST', '/barriers', {
      stageId: stage.id,
      title: 'No price',
      description: 'Dealers hide prices',
      kind: 'missing_information',
      evidenceSource: 'interview',
      evidenceQuotes: ['q1'],
      shareAffected: 0.4,
      severity: 'high',
    })
    const patched = await ws.call('marketer', 'PATCH', `/barriers/${barrier.body.id}`, {
      severity: 'critical',
    })
    expect(patched.body).toMatchObject({
      title: 'No price',
      description: 'Dealers hide prices',
      evidenceQuotes: ['q1'],
      shareAffected: 0.4,
      severity: 'critical',
      status: 'open',
    })
    const stagePatch = await ws.call('marketer', 'PATCH', `/stages/${stage.id}`, {
      customerGoals: 'See the car',
    })
    expect(stagePatch.body).toMatchObject({ name: stage.name, customerGoals: 'See the car', position: 0 })
  })

  it('refuses a recommendation whose barrier is on another stage', async () => {
    const ws = await ctx.newWorkspace()
    const barrier = await ws.barrier()
    const other = await ws.stage()
    const res = await ws.call('marketer', 'POST', '/recommendations', {
      stageId: other.id,
      barrierId: barrier.id,
      text: 'x',
    })
    expect(res.status).toBe(422)
    expect(res.body.error.details).toEqual([
      { path: 'body.barrierId', message: 'must be a barrier of the same stage' },
    ])
  })
})
