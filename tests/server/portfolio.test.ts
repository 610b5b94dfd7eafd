import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

/**
 * A test on a segment worth 2,400 deals and 1,000 a conversion, with `control` and `treatment`
 * conversions out of 50 deals each, left running or completed and closed out.
 */
async function testWith(
  ws: WorkspaceFixture,
  arms: { control: number; treatment: number },
  finish: 'running' | 'completed',
  yearlyEligibleDeals: number | null = null,
) {
  const segment = await ws.segment({ yearlyDeals: 2400, valuePerConversion: 1000 })
  const journey = await ws.journey({ segmentId: segment.id })
  const stage = await ws.stage({ journeyId: journey.id })
  const rec = await ws.recommendation({ stageId: stage.id, barrierId: null })
  const h = await ws.hypothesis({ recommendationId: rec.id, yearlyEligibleDeals })
  const test = await ws.test({
    hypothesisId: h.id,
    plan: { targetDeals: finish === 'completed' ? 100 : 1000 },
  })
  await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
  const customers = Array.from({ length: 300 }, (_, i) => ({ customerKey: `C-${i}` }))
  const assigned = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customers })
  const byGroup = { control: [] as string[], treatment: [] as string[] }
  for (const a of assigned.body.items) byGroup[a.group as 'control' | 'treatment'].push(a.customerKey)
  const deals = (['control', 'treatment'] as const).flatMap((g) =>
    byGroup[g].slice(0, 50).map((key, i) => ({
      externalId: `${g}-${i}`,
      customerKey: key,
      closedAt: ctx.now().toISOString(),
      converted: i < arms[g],
    })),
  )
  expect((await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, deals)).body.testStatus).toBe(
    finish === 'completed' ? 'completed' : 'running',
  )
  return test.id as number
}

describe('money in the portfolio', () => {
  it('shows no money for a running test, and counts only proven roll-outs in the total', async () => {
    const ws = await ctx.newWorkspace()
    const running = await testWith(ws, { control: 10, treatment: 30 }, 'running')
    const proven = await testWith(ws, { control: 10, treatment: 30 }, 'completed')
    const unproven = await testWith(ws, { control: 10, treatment: 14 }, 'completed', 600)
    for (const [id, outcome, extra] of [
      [proven, 'supported', {}],
      [unproven, 'inconclusive', { acknowledgeUnproven: true }],
    ] as const) {
      await ws.call('analyst', 'POST', `/tests/${id}/close-out`, { outcome, learnings: '' })
      const d = await ws.call('leader', 'POST', `/tests/${id}/decision`, {
        verdict: 'roll_out',
        rationale: 'Go',
        ...extra,
      })
      expect(d.status).toBe(201)
    }
    const portfolio = (await ws.call('leader', 'GET', '/portfolio')).body
    const byId = new Map(portfolio.tests.map((t: any) => [t.id, t]))
    expect((byId.get(running) as any).impact).toBeNull()
    const p = byId.get(proven) as any
    expect(p.impact).toMatchObject({
      conclusive: true,
      basis: { yearlyDeals: 2400, valuePerConversion: 1000 },
    })
    expect(p.impact.yearly).toBeCloseTo(0.4 * 2400 * 1000, 6)
    expect(p.impact.interval[0]).toBeGreaterThan(0)
    const u = byId.get(unproven) as any
    // The hypothesis's own yearly deals at its stage, not the segment's.
    expect(u.impact).toMatchObject({ conclusive: false, basis: { yearlyDeals: 600 } })
    expect(u.impact.interval[0]).toBeLessThan(0)
    expect(u.decision).toMatchObject({ verdict: 'roll_out', unprovenAcknowledged: true })
    expect(u.closeOut).toBe('inconclusive')
    expect(portfolio.rolledOutImpact).toEqual({
      yearly: p.impact.yearly,
      tests: [proven],
      unproven: [unproven],
    })
    expect(portfolio.currency).toBe('USD')
  })
})

describe('one answer on the test page', () => {
  it("ends the chart's difference band on the primary analysis's interval, clear of zero exactly when significant", async () => {
    const ws = await ctx.newWorkspace()
    for (const arms of [
      { control: 10, treatment: 30 },
      { control: 10, treatment: 14 },
    ]) {
      const id = await testWith(ws, arms, 'completed')
      const results = (await ws.call('leader', 'GET', `/tests/${id}/results`)).body
      const { primary } = results.verdict
      const last = results.series.at(-1)
      expect(last.difference.interval).toEqual(primary.difference.interval)
      const clear = last.difference.interval[0] > 0 || last.difference.interval[1] < 0
      expect(clear).toBe(primary.significant)
      expect(results.verdict.significant).toBe(primary.significant)
      expect(results.verdict.pValue).toBe(primary.pValue)
    }
  })
})
