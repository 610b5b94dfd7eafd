import { dayInZone, weekday } from '../../server/lib/time-zone.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../server/demo/seed.ts'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
let cookie: string
beforeAll(async () => {
  ctx = await createTestContext()
  expect(await seedDemo(ctx.db, ctx.now())).toBe(true)
  const login = await ctx.request({}, 'POST', '/api/auth/login', {
    email: 'analyst@demo.local',
    password: DEMO_PASSWORD,
  })
  cookie = login.headers.get('set-cookie')!.match(/cxw_session=([^;]+)/)![1]!
})
afterAll(async () => {
  await ctx?.close()
})

const get = async (path: string) => (await ctx.request({ cookie }, 'GET', path)).body

describe('the demo workspaces', () => {
  it('seeds once: a second start leaves them as they are', async () => {
    expect(await seedDemo(ctx.db, ctx.now())).toBe(false)
    expect((await get('/api/me')).workspaces.map((w: { slug: string }) => w.slug)).toEqual([
      'demo',
      'demo-ru',
    ])
    expect(DEMO_USERS.map((u) => u.email)).toEqual([
      'marketer@demo.local',
      'analyst@demo.local',
      'leader@demo.local',
      'admin@demo.local',
    ])
  })

  for (const slug of ['demo', 'demo-ru']) {
    it(`${slug}: a twelve-stage journey map with barriers, and a backlog to sort`, async () => {
      const journeys = await get(`/api/workspaces/${slug}/journeys`)
      const map = await get(`/api/workspaces/${slug}/journeys/${journeys.items[0].id}`)
      expect(map.stages).toHaveLength(12)
      expect(map.stages.flatMap((s: { barriers: unknown[] }) => s.barriers)).toHaveLength(4)
      const backlog = await get(`/api/workspaces/${slug}/hypotheses?sort=score`)
      expect(new Set(backlog.items.map((h: { status: string }) => h.status))).toEqual(
        new Set(['ready', 'draft', 'testing', 'validated', 'inconclusive']),
      )
    })

    it(`${slug}: four tests — closed out awaiting a decision, running, rolled out on a proven rise, rejected as unproven`, async () => {
      const tests = (await get(`/api/workspaces/${slug}/tests`)).items
      expect(tests.map((t: { status: string }) => t.status)).toEqual([
        'completed',
        'running',
        'decided',
        'decided',
      ])
      expect(tests.map((t: any) => t.closeOut?.outcome ?? null)).toEqual([
        'inconclusive',
        null,
        'supported',
        'inconclusive',
      ])
      const counts = async (id: number) =>
        ctx.db
          .selectFrom('arm_totals')
          .select(['group', 'deals', 'conversions'])
          .where('test_id', '=', id)
          .orderBy('group')
          .execute()
      expect(await counts(tests[0].id)).toEqual([
        { group: 'control', deals: 60, conversions: 9 },
        { group: 'treatment', deals: 62, conversions: 17 },
      ])
      const running = await counts(tests[1].id)
      const total = running.reduce((s, r) => s + r.deals, 0)
      expect(total / 150).toBeGreaterThan(0.35)
      expect(total / 150).toBeLessThan(0.45)
      expect(await counts(tests[2].id)).toEqual([
        { group: 'control', deals: 70, conversions: 30 },
        { group: 'treatment', deals: 70, conversions: 48 },
      ])
      expect(await counts(tests[3].id)).toEqual([
        { group: 'control', deals: 65, conversions: 26 },
        { group: 'treatment', deals: 66, conversions: 29 },
      ])
      // The roll-out stands on a significant result; the rejection on an unproven one.
      const rolledOut = await get(`/api/workspaces/${slug}/tests/${tests[2].id}/results`)
      expect(rolledOut.verdict.significant).toBe(true)
      expect(rolledOut.closeOut.suggestion.outcome).toBe('supported')
      const decided = await get(`/api/workspaces/${slug}/tests/${tests[2].id}/decision`)
      expect(decided).toMatchObject({
        verdict: 'roll_out',
        barrierEffect: 'mitigated',
        unprovenAcknowledged: false,
      })
      expect((await get(`/api/workspaces/${slug}/barriers/${tests[2].links.barrier}`)).status).toBe(
        'mitigated',
      )
      const rejected = await get(`/api/workspaces/${slug}/tests/${tests[3].id}/results`)
      expect(rejected.verdict.significant).toBe(false)
      expect((await get(`/api/workspaces/${slug}/tests/${tests[3].id}/decision`)).verdict).toBe('reject')
      expect((await get(`/api/workspaces/${slug}/hypotheses/${tests[3].hypothesisId}`)).status).toBe(
        'inconclusive',
      )
      // One reading per test, the same on the test's page and in the portfolio.
      const headlines = await Promise.all(
        tests.map(
          async (t: { id: number }) => (await get(`/api/workspaces/${slug}/tests/${t.id}/results`)).headline,
        ),
      )
      expect(headlines).toEqual(['not_proven', 'collecting', 'significant_rise', 'not_proven'])
      const portfolio = await get(`/api/workspaces/${slug}/portfolio`)
      expect(
        tests.map(
          (t: { id: number }) => portfolio.tests.find((p: { id: number }) => p.id === t.id).result.headline,
        ),
      ).toEqual(headlines)
    })
  }

  it('has outcomes that arrived after their deals, recorded as updates', async () => {
    const updates = await ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'deal.updated')
      .execute()
    expect(updates.length).toBeGreaterThan(5)
  })

  it("closes more deals on working days than at weekends, by the workspace's calendar", async () => {
    const deals = await ctx.db.selectFrom('deals').select('closed_at').execute()
    const weekend = deals.filter((d) =>
      [0, 6].includes(weekday(dayInZone(d.closed_at, 'Europe/Moscow'))),
    ).length
    expect(weekend / deals.length).toBeLessThan(0.15)
  })
})
