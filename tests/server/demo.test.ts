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
        new Set(['ready', 'draft', 'testing', 'validated']),
      )
    })

    it(`${slug}: three tests — completed awaiting a decision, running, decided with a roll-out`, async () => {
      const tests = (await get(`/api/workspaces/${slug}/tests`)).items
      expect(tests.map((t: { status: string }) => t.status)).toEqual(['completed', 'running', 'decided'])
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
      const decided = await get(`/api/workspaces/${slug}/tests/${tests[2].id}/decision`)
      expect(decided.verdict).toBe('roll_out')
      expect((await get(`/api/workspaces/${slug}/barriers/${tests[2].links.barrier}`)).status).toBe(
        'addressed',
      )
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
