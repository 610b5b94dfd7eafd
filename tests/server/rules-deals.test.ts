import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import { expectErrorShape } from '../trust/world.ts'

// Two rules of ingestion, each on both sides: a deal closed "in the future" is refused, with a
// few minutes' allowance for the sender's clock; and a re-sent deal is compared on every value it
// carries, revenue included, so a change of revenue alone is an update that moves the totals.

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

const MINUTE = 60_000
const DAY = 86_400_000

/** A test started a day ago with customers C-0…C-19 assigned. */
async function runningTest(ws?: WorkspaceFixture) {
  ws ??= await ctx.newWorkspace()
  const test = await ws.test({ plan: { targetDeals: 1000 } })
  const now = ctx.now()
  ctx.setNow(new Date(now.getTime() - DAY))
  expect((await ws.call('analyst', 'POST', `/tests/${test.id}/start`)).status).toBe(200)
  ctx.setNow(now)
  const customers = Array.from({ length: 20 }, (_, i) => ({ customerKey: `C-${i}` }))
  expect((await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customers })).status).toBe(200)
  return { ws, test }
}

const dealCount = async (testId: number) =>
  (await ctx.db.selectFrom('deals').select('id').where('test_id', '=', testId).execute()).length

/** Sends one deal as JSON or as a line of CSV. */
function send(ws: WorkspaceFixture, testId: number, how: 'json' | 'csv', deal: Record<string, unknown>) {
  if (how === 'json') return ws.call('analyst', 'POST', `/tests/${testId}/deals`, [deal])
  const csv = `externalId,customerKey,closedAt,converted\n${deal.externalId},${deal.customerKey},${deal.closedAt},${deal.converted}\n`
  return ctx.request(
    { cookie: ws.members.analyst.cookie },
    'POST',
    `/api/workspaces/${ws.slug}/tests/${testId}/deals/csv`,
    csv,
    { 'content-type': 'text/csv' },
  )
}

describe('a deal closed in the future', () => {
  // The sender's clock may run a little ahead of ours: up to five minutes is "now".
  const ACCEPTED = [0, 4 * MINUTE, 5 * MINUTE]
  const REFUSED = [5 * MINUTE + 1000, 6 * MINUTE, DAY]

  for (const how of ['json', 'csv'] as const) {
    it(`is accepted up to five minutes ahead of the server's clock (${how})`, async () => {
      const { ws, test } = await runningTest()
      for (const [i, ahead] of ACCEPTED.entries()) {
        const res = await send(ws, test.id, how, {
          externalId: `D-${i}`,
          customerKey: `C-${i}`,
          closedAt: new Date(ctx.now().getTime() + ahead).toISOString(),
          converted: true,
        })
        expect(res.status, `${ahead / MINUTE} min ahead: ${JSON.stringify(res.body)}`).toBe(200)
        expect(res.body).toMatchObject({ inserted: 1, refusedCount: 0 })
      }
      expect(await dealCount(test.id)).toBe(ACCEPTED.length)
    })

    it(`is refused past five minutes ahead, naming the row and the field, and nothing is written (${how})`, async () => {
      const { ws, test } = await runningTest()
      for (const [i, ahead] of REFUSED.entries()) {
        const res = await send(ws, test.id, how, {
          externalId: `D-${i}`,
          customerKey: `C-${i}`,
          closedAt: new Date(ctx.now().getTime() + ahead).toISOString(),
          converted: true,
        })
        expect(res.status, `${ahead / MINUTE} min ahead: ${JSON.stringify(res.body)}`).toBe(422)
        expectErrorShape(res)
        expect(res.body.error.code).toBe('rows_refused')
        expect(res.body.error.details).toEqual([
          expect.objectContaining({ field: 'closedAt', code: 'in_future', row: how === 'json' ? 1 : 2 }),
        ])
      }
      expect(await dealCount(test.id)).toBe(0)
    })
  }

  it('writes the good rows of a partial batch and returns the one too far ahead', async () => {
    const { ws, test } = await runningTest()
    const at = (ahead: number) => new Date(ctx.now().getTime() + ahead).toISOString()
    const res = await ws.call('analyst', 'POST', `/tests/${test.id}/deals?mode=partial`, [
      { externalId: 'D-0', customerKey: 'C-0', closedAt: at(4 * MINUTE), converted: false },
      { externalId: 'D-1', customerKey: 'C-1', closedAt: at(6 * MINUTE), converted: false },
    ])
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ inserted: 1, refusedCount: 1 })
    expect(res.body.refused).toEqual([
      expect.objectContaining({ row: 2, field: 'closedAt', code: 'in_future' }),
    ])
  })

  it("takes a date without a time up to today in the workspace's zone, not tomorrow", async () => {
    // At 10:00 UTC on 20 November it is already 21 November on Kiritimati (UTC+14).
    expect(ctx.now().toISOString()).toBe('2026-11-20T10:00:00.000Z')
    for (const [zone, today, tomorrow] of [
      ['UTC', '2026-11-20', '2026-11-21'],
      ['Pacific/Kiritimati', '2026-11-21', '2026-11-22'],
    ] as const) {
      const ws = await ctx.newWorkspace()
      expect((await ws.call('admin', 'PATCH', '/settings', { timeZone: zone })).status).toBe(200)
      const { test } = await runningTest(ws)
      const ok = await send(ws, test.id, 'json', {
        externalId: 'D-today',
        customerKey: 'C-0',
        closedAt: today,
        converted: true,
      })
      expect(ok.status, `${zone}: ${JSON.stringify(ok.body)}`).toBe(200)
      const refused = await send(ws, test.id, 'json', {
        externalId: 'D-tomorrow',
        customerKey: 'C-1',
        closedAt: tomorrow,
        converted: true,
      })
      expect(refused.status, zone).toBe(422)
      expect(refused.body.error.details[0]).toMatchObject({ field: 'closedAt', code: 'in_future' })
    }
  })
})

describe('a re-sent deal', () => {
  /** The kept totals of both arms (an arm without a row counts as empty). */
  const totals = async (testId: number) => {
    const rows = await ctx.db
      .selectFrom('arm_totals')
      .select(['group', 'deals', 'conversions', 'revenue_n', 'revenue_sum'])
      .where('test_id', '=', testId)
      .execute()
    return (['control', 'treatment'] as const).map((group) => {
      const t = rows.find((r) => r.group === group)
      return {
        group,
        deals: t?.deals ?? 0,
        conversions: t?.conversions ?? 0,
        revenue_n: t?.revenue_n ?? 0,
        revenue_sum: Number(t?.revenue_sum ?? 0),
      }
    })
  }
  const daily = async (testId: number) =>
    (
      await ctx.db
        .selectFrom('arm_daily_totals')
        .select(['group', 'day', 'deals', 'revenue_n', 'revenue_sum'])
        .where('test_id', '=', testId)
        .orderBy('group')
        .execute()
    ).map((t) => ({ ...t, revenue_sum: Number(t.revenue_sum) }))
  /** The totals as the deals themselves add up, per arm. */
  const fromDeals = async (testId: number) => {
    const deals = await ctx.db
      .selectFrom('deals')
      .select(['group', 'converted', 'revenue'])
      .where('test_id', '=', testId)
      .where('late', '=', false)
      .execute()
    const sum = (g: string) => {
      const arm = deals.filter((d) => d.group === g)
      const revenues = arm.filter((d) => d.revenue !== null).map((d) => Number(d.revenue))
      return {
        group: g,
        deals: arm.length,
        conversions: arm.filter((d) => d.converted).length,
        revenue_n: revenues.length,
        revenue_sum: Math.round(revenues.reduce((a, b) => a + b, 0) * 100) / 100,
      }
    }
    return [sum('control'), sum('treatment')]
  }
  const changeAudit = (ws: WorkspaceFixture) =>
    ctx.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after', 'reason'])
      .where('workspace_id', '=', ws.id)
      .where('action', '=', 'deal.updated')
      .orderBy('id')
      .execute()

  const deal = (revenue: number | null | undefined) => ({
    externalId: 'D-1',
    customerKey: 'C-1',
    closedAt: new Date(ctx.now().getTime() - 3600_000).toISOString(),
    converted: true,
    ...(revenue === undefined ? {} : { revenue }),
  })

  // [first revenue, re-sent revenue]: each pair differs in revenue only.
  const CHANGES: [number | null, number | null][] = [
    [100, 250],
    [250, 100],
    [100, 0],
    [null, 80],
    [80, null],
    [100.5, 100.51],
  ]
  for (const [first, second] of CHANGES) {
    it(`counts a change of revenue alone (${first} → ${second}) as an update that moves the totals`, async () => {
      const { ws, test } = await runningTest()
      const sent = await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [deal(first)])
      expect(sent.body).toMatchObject({ inserted: 1, updated: 0 })
      const before = await totals(test.id)
      const res = await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [deal(second)])
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ received: 1, inserted: 0, updated: 1, unchanged: 0 })
      const after = await totals(test.id)
      expect(after).not.toEqual(before)
      expect(after).toEqual(await fromDeals(test.id))
      const arm = after.find((t) => t.deals === 1)!
      expect(arm).toMatchObject({
        deals: 1,
        conversions: 1,
        revenue_n: second === null ? 0 : 1,
        revenue_sum: second ?? 0,
      })
      expect(await daily(test.id)).toEqual([
        expect.objectContaining({
          group: arm.group,
          deals: 1,
          revenue_n: arm.revenue_n,
          revenue_sum: second ?? 0,
        }),
      ])
      const stored = await ws.call('leader', 'GET', `/tests/${test.id}/deals`)
      expect(stored.body.items).toEqual([expect.objectContaining({ externalId: 'D-1', revenue: second })])
      expect(await changeAudit(ws)).toEqual([
        expect.objectContaining({
          reason: 'deal D-1',
          before: expect.objectContaining({ revenue: first }),
          after: expect.objectContaining({ revenue: second }),
        }),
      ])
    })
  }

  it('is unchanged when its revenue is the same to the cent, and then moves nothing', async () => {
    for (const [first, second] of [
      [100, 100],
      [100, 100.004],
      [null, null],
      [null, undefined],
    ] as const) {
      const { ws, test } = await runningTest()
      await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [deal(first)])
      const before = await totals(test.id)
      const res = await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [deal(second)])
      expect(res.body, `${first} → ${second}`).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 })
      expect(await totals(test.id)).toEqual(before)
      expect(await changeAudit(ws)).toEqual([])
    }
  })
})
