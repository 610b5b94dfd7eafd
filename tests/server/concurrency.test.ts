import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

const DAY = 86_400_000

describe('50 concurrent clients', () => {
  it('assigning shared and own customers and sending overlapping deal batches: one group per customer, exact counts, totals equal to a recount', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test({ plan: { targetDeals: 1_000_000 } })
    const start = ctx.now()
    ctx.setNow(new Date(start.getTime() - 10 * DAY))
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    ctx.setNow(start)
    const key = { bearer: (await ws.call('admin', 'POST', '/api-keys', { name: 'CRM' })).body.key as string }
    const shared = Array.from({ length: 40 }, (_, i) => `SHARED-${i}`)
    const closedAt = new Date(start.getTime() - DAY).toISOString()

    const clients = Array.from({ length: 50 }, async (_, c) => {
      const own = Array.from({ length: 10 }, (_, i) => `C${c}-${i}`)
      const keys = [...shared.slice((c * 7) % 30, ((c * 7) % 30) + 10), ...own]
      const assigned = await ws.call(key, 'POST', `/tests/${test.id}/assignments`, {
        customers: keys.map((customerKey) => ({ customerKey })),
      })
      expect(assigned.status).toBe(200)
      // Overlapping batches: every client also sends deals of the shared customers, with the same ids.
      const deals = keys.map((customerKey) => ({
        externalId: `D-${customerKey}`,
        customerKey,
        closedAt,
        converted: customerKey.endsWith('3'),
      }))
      const sent = await ws.call(key, 'POST', `/tests/${test.id}/deals`, deals)
      expect(sent.status).toBe(200)
      return assigned.body.items as { customerKey: string; group: string }[]
    })
    const answers = (await Promise.all(clients)).flat()

    const groups = new Map<string, Set<string>>()
    for (const a of answers) groups.set(a.customerKey, (groups.get(a.customerKey) ?? new Set()).add(a.group))
    expect([...groups.values()].every((g) => g.size === 1)).toBe(true)
    const rows = await ctx.db
      .selectFrom('assignments')
      .select(['customer_key', 'group'])
      .where('test_id', '=', test.id)
      .execute()
    expect(rows).toHaveLength(groups.size)
    expect(groups.size).toBe(39 + 500)
    for (const r of rows) expect(groups.get(r.customer_key)).toEqual(new Set([r.group]))

    const expectedDeals = new Set(answers.map((a) => `D-${a.customerKey}`)).size
    const {
      rows: [count],
    } = await sql<{ n: number }>`select count(*)::int as n from deals where test_id = ${test.id}`.execute(
      ctx.db,
    )
    expect(count!.n).toBe(expectedDeals)
    const { rows: recount } = await sql<{ group: string; deals: number; conversions: number }>`
      select "group", count(*)::int as deals, count(*) filter (where converted)::int as conversions
      from deals where test_id = ${test.id} and not late group by "group" order by "group"`.execute(ctx.db)
    const kept = await ctx.db
      .selectFrom('arm_totals')
      .select(['group', 'deals', 'conversions'])
      .where('test_id', '=', test.id)
      .orderBy('group')
      .execute()
    expect(kept).toEqual(recount)
    const daily = await sql<{
      deals: number
    }>`select sum(deals)::int as deals from arm_daily_totals where test_id = ${test.id}`.execute(ctx.db)
    expect(daily.rows[0]!.deals).toBe(expectedDeals)
  })
})
