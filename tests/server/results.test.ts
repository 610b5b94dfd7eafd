import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  achievedPower,
  compareRevenue,
  obrienFlemingBoundaries,
  twoProportionZTest,
  verdict,
} from '../../stats/index.ts'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

const DAY = 86_400_000

async function startedTest(plan: Record<string, unknown>, customers: number, strata?: string[]) {
  const ws = await ctx.newWorkspace()
  const test = await ws.test({ plan })
  const start = ctx.now()
  ctx.setNow(new Date(start.getTime() - 40 * DAY))
  await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
  ctx.setNow(start)
  const list = Array.from({ length: customers }, (_, i) => ({
    customerKey: `C-${i}`,
    ...(strata ? { stratum: strata[i % strata.length] } : {}),
  }))
  const assigned = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customers: list })
  return { ws, test, assigned: assigned.body.items as { customerKey: string; group: string }[] }
}

describe('results of a running test', () => {
  it('say "provisional" before the target, show progress, and what 100 and 150 deals can detect', async () => {
    const { ws, test } = await startedTest({ targetDeals: 200 }, 40)
    const deals = Array.from({ length: 40 }, (_, i) => ({
      externalId: `D-${i}`,
      customerKey: `C-${i}`,
      closedAt: new Date(ctx.now().getTime() - (i % 20) * DAY).toISOString(),
      converted: i % 5 === 0,
    }))
    await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, deals)
    const res = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      provisional: true,
      progress: { targetDeals: 200, deals: { total: 40 }, share: 0.2, targetReached: false },
    })
    // 40 deals over the last 20 days: 14 deals a week at that pace
    expect(res.body.progress.dealsPerWeek).toBeCloseTo(40 / 4, 6)
    expect(new Date(res.body.progress.projectedCompletion).getTime()).toBeGreaterThan(ctx.now().getTime())
    const [p100, p150] = res.body.planning.practice
    expect(p100.deals).toBe(100)
    expect(p150.power).toBeCloseTo(
      achievedPower({
        baselineRate: 0.15,
        alpha: 0.05,
        alternative: 'two-sided',
        effect: 0.12,
        control: 75,
        treatment: 75,
      }),
      12,
    )
    expect(p150.minimumDetectableEffect).toBeLessThan(p100.minimumDetectableEffect)
    expect(res.body.series.length).toBe(20)
    expect(typeof res.body.summary).toBe('string')
  })

  it("show each interim look with its O'Brien-Fleming boundary and whether it was crossed", async () => {
    const { ws, test } = await startedTest({ targetDeals: 400, interimLooks: 3 }, 100)
    const deals = Array.from({ length: 100 }, (_, i) => ({
      externalId: `D-${i}`,
      customerKey: `C-${i}`,
      closedAt: new Date(ctx.now().getTime() - (30 - (i % 30)) * DAY).toISOString(),
      converted: i % 3 === 0,
    }))
    await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, deals)
    const res = await ws.call('analyst', 'GET', `/tests/${test.id}/results`)
    const expected = obrienFlemingBoundaries(0.05, [0.25, 0.5, 0.75, 1])
    expect(res.body.interimLooks.map((l: { boundary: number }) => l.boundary)).toEqual(expected.boundaries)
    expect(res.body.interimLooks.map((l: { reached: boolean }) => l.reached)).toEqual([
      true,
      false,
      false,
      false,
    ])
    const first = res.body.interimLooks[0]
    const at = res.body.series.find((p: { day: string }) => p.day === first.day)
    expect(first.z).toBe(twoProportionZTest({ control: at.control, treatment: at.treatment }).z)
    expect(first.crossed).toBe(Math.abs(first.z) >= first.boundary)
    expect(res.body.provisional).toBe(false)
  })

  it('show the balance of every stratum for stratified blocks', async () => {
    const { ws, test } = await startedTest(
      { targetDeals: 400, assignmentMethod: 'stratified_blocks', blockSize: 4 },
      48,
      ['North', 'South', 'East'],
    )
    const res = await ws.call('analyst', 'GET', `/tests/${test.id}/results`)
    expect(res.body.balance).toEqual([
      { stratum: 'East', control: 8, treatment: 8 },
      { stratum: 'North', control: 8, treatment: 8 },
      { stratum: 'South', control: 8, treatment: 8 },
    ])
  })

  it('export as CSV, one field per line', async () => {
    const { ws, test } = await startedTest({ targetDeals: 200 }, 10)
    await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [
      {
        externalId: 'D-1',
        customerKey: 'C-1',
        closedAt: new Date(ctx.now().getTime() - DAY).toISOString(),
        converted: true,
      },
    ])
    const res = await ctx.request(
      { cookie: ws.members.leader.cookie },
      'GET',
      `/api/workspaces/${ws.slug}/tests/${test.id}/results?format=csv`,
    )
    expect(res.headers.get('content-type')).toMatch(/text\/csv/)
    const lines = (res.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines[0]).toBe('field,value')
    expect(lines).toContain('progress.deals.total,1')
    expect(lines).toContain('test.status,running')
  })

  it('compare revenue per deal over all deals, as the chart draws it, and name the currency in the CSV', async () => {
    const { ws, test, assigned } = await startedTest({ targetDeals: 200 }, 40)
    const values: Record<'control' | 'treatment', number[]> = { control: [], treatment: [] }
    const deals = assigned.map(({ customerKey, group }, i) => {
      const converted = i % 3 === 0
      const revenue = converted ? 1000 + 37.5 * i : null
      values[group as 'control' | 'treatment'].push(revenue ?? 0)
      return {
        externalId: `D-${i}`,
        customerKey,
        closedAt: new Date(ctx.now().getTime() - (1 + (i % 5)) * DAY).toISOString(),
        converted,
        ...(revenue === null ? {} : { revenue }),
      }
    })
    await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, deals)
    const res = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    const last = res.body.series.at(-1)
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(last.control.revenuePerDeal).toBeCloseTo(mean(values.control), 9)
    expect(last.treatment.revenuePerDeal).toBeCloseTo(mean(values.treatment), 9)
    // The verdict's comparison (Welch) runs on the same per-deal values, a deal without revenue as 0.
    const reference = compareRevenue({
      control: { values: values.control },
      treatment: { values: values.treatment },
    })
    expect(res.body.verdict.revenue.difference.estimate).toBeCloseTo(
      last.treatment.revenuePerDeal - last.control.revenuePerDeal,
      9,
    )
    expect(res.body.verdict.revenue.welch.df).toBeCloseTo(reference.welch.df!, 9)
    expect(res.body.verdict.revenue.welch.pValue).toBeCloseTo(reference.welch.pValue!, 9)
    const csv = await ctx.request(
      { cookie: ws.members.leader.cookie },
      'GET',
      `/api/workspaces/${ws.slug}/tests/${test.id}/results?format=csv`,
    )
    const fields = (csv.body as string).split('\r\n').map((line) => line.split(',')[0])
    expect(fields).toContain(`verdict.revenue.difference.estimate (${res.body.currency})`)
    expect(fields).toContain('verdict.revenue.welch.pValue')
  })

  it('are refused for a test that has not started', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test()
    expect((await ws.call('analyst', 'GET', `/tests/${test.id}/results`)).status).toBe(409)
  })

  it('are kept with the decision: the totals and the verdict it was made on', async () => {
    const { ws, test } = await startedTest({ targetDeals: 10 }, 10)
    const deals = Array.from({ length: 10 }, (_, i) => ({
      externalId: `D-${i}`,
      customerKey: `C-${i}`,
      closedAt: new Date(ctx.now().getTime() - DAY).toISOString(),
      converted: i < 4,
    }))
    await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, deals)
    const results = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    await ws.call('analyst', 'POST', `/tests/${test.id}/close-out`, {
      outcome: 'inconclusive',
      learnings: '',
    })
    const decision = await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
      verdict: 'iterate',
      rationale: 'Too few deals to tell',
    })
    expect(decision.body.results.verdict.pValue).toBe(results.body.verdict.pValue)
    expect(decision.body.results.totals.control.deals + decision.body.results.totals.treatment.deals).toBe(10)
  })
})

describe('a decision and the data after it', () => {
  it('recomputes from the raw deals to the numbers it was made on, and says when the data changed since', async () => {
    const { ws, test } = await startedTest({ targetDeals: 10 }, 10)
    const closedAt = new Date(ctx.now().getTime() - DAY).toISOString()
    await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/deals`,
      Array.from({ length: 10 }, (_, i) => ({
        externalId: `D-${i}`,
        customerKey: `C-${i}`,
        closedAt,
        converted: i < 3,
      })),
    )
    await ws.call('analyst', 'POST', `/tests/${test.id}/close-out`, { outcome: 'refuted', learnings: '' })
    const decision = await ws.call('leader', 'POST', `/tests/${test.id}/decision`, {
      verdict: 'reject',
      rationale: 'No difference',
    })
    const raw = await ctx.db
      .selectFrom('deals')
      .select([
        'group',
        (eb) => eb.fn.countAll<number>().as('deals'),
        (eb) =>
          eb.fn.sum<number>(eb.case().when('converted', '=', true).then(1).else(0).end()).as('conversions'),
      ])
      .where('test_id', '=', test.id)
      .where('late', '=', false)
      .groupBy('group')
      .orderBy('group')
      .execute()
    const recounted = Object.fromEntries(
      raw.map((r) => [r.group, { deals: Number(r.deals), conversions: Number(r.conversions) }]),
    )
    expect(decision.body.results.totals).toEqual(recounted)
    const verdictNow = verdict({
      control: recounted.control!,
      treatment: recounted.treatment!,
      plan: {
        alpha: 0.05,
        power: 0.8,
        alternative: 'two-sided',
        controlShare: 0.5,
        targetDeals: 10,
        baselineRate: 0.15,
        expectedLift: 0.12,
      },
    })
    expect(decision.body.results.verdict.pValue).toBe(verdictNow.pValue)
    const unchanged = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(unchanged.body.decision).toMatchObject({
      id: decision.body.id,
      verdict: 'reject',
      changedSinceDecision: false,
    })

    await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [
      { externalId: 'D-5', customerKey: 'C-5', closedAt, converted: true },
    ])
    const changed = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(changed.body.decision).toMatchObject({ changedSinceDecision: true, totalsAtDecision: recounted })
  })
})
