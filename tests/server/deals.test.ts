import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { INGEST_CHUNK } from '../../server/services/deals.ts'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

const DAY = 86_400_000

/** A running test started 30 days before "now", with customers C-0 … C-(n-1) assigned. */
async function runningTest(customers = 20, plan: Record<string, unknown> = {}) {
  const ws = await ctx.newWorkspace()
  const test = await ws.test({ plan: { targetDeals: 1000, ...plan } })
  const started = ctx.now()
  ctx.setNow(new Date(started.getTime() - 30 * DAY))
  try {
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
  } finally {
    ctx.setNow(started)
  }
  const keys = Array.from({ length: customers }, (_, i) => ({ customerKey: `C-${i}` }))
  const assigned = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customers: keys })
  const groupOf = new Map<string, string>(
    assigned.body.items.map((a: { customerKey: string; group: string }) => [a.customerKey, a.group]),
  )
  return { ws, test, groupOf }
}

const day = (daysAgo: number) => new Date(ctx.now().getTime() - daysAgo * DAY).toISOString()
const deal = (i: number, o: Record<string, unknown> = {}) => ({
  externalId: `D-${i}`,
  customerKey: `C-${i % 20}`,
  closedAt: day(10),
  converted: i % 3 === 0,
  revenue: i % 3 === 0 ? 1000 + i : null,
  ...o,
})

/** Per-arm totals recounted from the raw deals, to compare with the kept totals. */
async function recount(testId: number) {
  const { rows } = await sql<{
    group: string
    deals: number
    conversions: number
    revenue_n: number
    revenue_sum: number
  }>`
    select "group", count(*)::int as deals, count(*) filter (where converted)::int as conversions,
      count(revenue)::int as revenue_n, coalesce(sum(revenue), 0)::float8 as revenue_sum
    from deals where test_id = ${testId} and not late group by "group" order by "group"`.execute(ctx.db)
  return rows
}
async function kept(testId: number) {
  return ctx.db
    .selectFrom('arm_totals')
    .select(['group', 'deals', 'conversions', 'revenue_n', 'revenue_sum'])
    .where('test_id', '=', testId)
    .where('deals', '>', 0)
    .orderBy('group')
    .execute()
}

async function ingest(ws: WorkspaceFixture, testId: number, body: unknown, mode = '') {
  return ws.call('analyst', 'POST', `/tests/${testId}/deals${mode}`, body)
}

describe('recording deals', () => {
  it('takes one deal or a batch, takes the group from the assignment, and keeps totals equal to a recount', async () => {
    const { ws, test, groupOf } = await runningTest()
    const one = await ingest(ws, test.id, deal(0))
    expect(one.body).toMatchObject({
      received: 1,
      inserted: 1,
      updated: 0,
      unchanged: 0,
      late: 0,
      refused: [],
      testStatus: 'running',
    })
    const batch = await ingest(
      ws,
      test.id,
      Array.from({ length: 30 }, (_, i) => deal(i + 1)),
    )
    expect(batch.body).toMatchObject({ received: 30, inserted: 30 })
    const stored = await ctx.db
      .selectFrom('deals')
      .select(['external_id', 'customer_key', 'group'])
      .where('test_id', '=', test.id)
      .execute()
    for (const d of stored) expect(d.group).toBe(groupOf.get(d.customer_key))
    expect(await kept(test.id)).toEqual(await recount(test.id))
  })

  it('is harmless to send again, and a late outcome updates the deal with an audit entry', async () => {
    const { ws, test } = await runningTest()
    await ingest(ws, test.id, [deal(1, { converted: false, revenue: null }), deal(2)])
    const again = await ingest(ws, test.id, [deal(1, { converted: false, revenue: null }), deal(2)])
    expect(again.body).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 })
    const later = await ingest(ws, test.id, [deal(1, { converted: true, revenue: 1500.5 })])
    expect(later.body).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 })
    const row = await ctx.db
      .selectFrom('deals')
      .select(['converted', 'revenue'])
      .where('test_id', '=', test.id)
      .where('external_id', '=', 'D-1')
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ converted: true, revenue: 1500.5 })
    const audit = await ws.call('analyst', 'GET', `/audit?subjectType=test&subjectId=${test.id}`)
    const update = audit.body.items.find((e: { action: string }) => e.action === 'deal.updated')
    expect(update).toMatchObject({
      reason: 'deal D-1',
      before: { converted: false, revenue: null },
      after: { converted: true, revenue: 1500.5 },
    })
    expect(await kept(test.id)).toEqual(await recount(test.id))
  })

  it('refuses the whole batch when any row is bad, listing every bad row, and writes nothing', async () => {
    const { ws, test } = await runningTest()
    const rows = [
      deal(1),
      deal(2, { customerKey: 'NEVER-ASSIGNED' }),
      deal(1),
      deal(4, { closedAt: day(40) }),
      deal(5, { closedAt: day(-3) }),
      deal(6, { converted: 'yes' }),
      deal(7, { revenue: -5 }),
      { externalId: 'D-8', customerKey: 'C-8', closedAt: 'not a date', converted: true },
      deal(9, { colour: 'red' }),
    ]
    const res = await ingest(ws, test.id, rows)
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('rows_refused')
    expect(res.body.error.details.map((d: { row: number; field: string }) => [d.row, d.field])).toEqual([
      [2, 'customerKey'],
      [3, 'externalId'],
      [4, 'closedAt'],
      [5, 'closedAt'],
      [6, 'converted'],
      [7, 'revenue'],
      [8, 'closedAt'],
      [9, 'colour'],
    ])
    expect(res.body.error.details[0].message).toBe('customer never assigned to this test')
    expect(res.body.error.details.map((d: { code: string }) => d.code)).toEqual([
      'customer_not_assigned',
      'repeated_in_batch',
      'before_test_start',
      'in_future',
      'invalid_value',
      'invalid_value',
      'invalid_value',
      'unknown_field',
    ])
    expect(await ctx.db.selectFrom('deals').select('id').where('test_id', '=', test.id).execute()).toEqual([])
  })

  it('writes the good rows in partial mode and returns the refused ones', async () => {
    const { ws, test } = await runningTest()
    const res = await ingest(
      ws,
      test.id,
      [deal(1), deal(2, { customerKey: 'NOBODY' }), deal(3)],
      '?mode=partial',
    )
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      received: 3,
      inserted: 2,
      refused: [{ row: 2, field: 'customerKey', reason: 'customer never assigned to this test' }],
    })
  })

  it('works a large batch through in chunks: a bad row in a later chunk refuses it whole, partial mode writes the rest', async () => {
    const { ws, test } = await runningTest()
    const size = INGEST_CHUNK * 2 + 500
    // Bad rows in the first chunk, and a repeat of a first-chunk id in the third.
    const rows = Array.from({ length: size }, (_, i) => deal(i + 1))
    rows[9] = deal(10, { customerKey: 'NOBODY' })
    rows[size - 3] = deal(5)
    const before = await kept(test.id)
    const strict = await ingest(ws, test.id, rows)
    expect(strict.status).toBe(422)
    expect(strict.body.error.details.map((d: { row: number; code: string }) => [d.row, d.code])).toEqual([
      [10, 'customer_not_assigned'],
      [size - 2, 'repeated_in_batch'],
    ])
    expect(await ctx.db.selectFrom('deals').select('id').where('test_id', '=', test.id).execute()).toEqual([])
    expect(await kept(test.id)).toEqual(before)

    const partial = await ingest(ws, test.id, rows, '?mode=partial')
    expect(partial.status).toBe(200)
    expect(partial.body).toMatchObject({ received: size, inserted: size - 2, updated: 0 })
    expect(partial.body.refused.map((r: { row: number }) => r.row)).toEqual([10, size - 2])
    expect(await kept(test.id)).toEqual(await recount(test.id))
    // Sent again with every outcome corrected: each chunk finds its deals and updates them.
    const corrected = rows.map((r) => ({ ...r, converted: !r.converted, revenue: r.converted ? null : 10 }))
    const again = await ingest(ws, test.id, corrected, '?mode=partial')
    expect(again.body).toMatchObject({ inserted: 0, updated: size - 2 })
    expect(await kept(test.id)).toEqual(await recount(test.id))
  })

  it('reads a large CSV as it writes it, and a syntax error far down the file still writes nothing', async () => {
    const { ws, test } = await runningTest()
    const good = Array.from({ length: 20_000 }, (_, i) => `X-${i},C-${i % 20},${day(5)},${i % 2 === 0}`)
    const send = (body: string) =>
      ctx.request(
        { cookie: ws.members.analyst.cookie },
        'POST',
        `/api/workspaces/${ws.slug}/tests/${test.id}/deals/csv`,
        body,
        { 'content-type': 'text/csv' },
      )
    const broken = await send(
      ['externalId,customerKey,closedAt,converted', ...good, 'X-bad,"C-1,unclosed'].join('\n'),
    )
    expect(broken.status).toBe(400)
    expect(broken.body.error.message).toMatch(/line 20002/)
    expect(await ctx.db.selectFrom('deals').select('id').where('test_id', '=', test.id).execute()).toEqual([])
    const fine = await send(['externalId,customerKey,closedAt,converted', ...good].join('\n'))
    expect(fine.body).toMatchObject({ received: 20_000, inserted: 20_000 })
    expect(await kept(test.id)).toEqual(await recount(test.id))
  })

  it('refuses a deal moved to another customer', async () => {
    const { ws, test } = await runningTest()
    await ingest(ws, test.id, [deal(1)])
    const res = await ingest(ws, test.id, [deal(1, { customerKey: 'C-2' })])
    expect(res.status).toBe(422)
    expect(res.body.error.details[0]).toMatchObject({
      field: 'customerKey',
      message: 'the deal was recorded for customer C-1',
    })
  })

  it('reads CSV from a Russian spreadsheet: semicolons, BOM, quotes, decimal comma, Cyrillic, Russian dates', async () => {
    const { ws, test } = await runningTest()
    const d = new Date(ctx.now().getTime() - 5 * DAY)
    const ru = `${String(d.getUTCDate()).padStart(2, '0')}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${d.getUTCFullYear()}`
    const csv = `\uFEFFСделка;Клиент;Дата;Купил доп;Сумма\r\n"Д-1";C-1;${ru};да;"1 234,50"\r\nД-2;C-2;${ru};нет;\r\n"Д;3";C-3;${d.toISOString().slice(0, 10)};1;999,9\r\n`
    const q = new URLSearchParams({
      externalId: 'Сделка',
      customerKey: 'Клиент',
      closedAt: 'Дата',
      converted: 'Купил доп',
      revenue: 'Сумма',
    })
    const res = await ctx.request(
      { cookie: ws.members.analyst.cookie },
      'POST',
      `/api/workspaces/${ws.slug}/tests/${test.id}/deals/csv?${q}`,
      csv,
      { 'content-type': 'text/csv; charset=utf-8' },
    )
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({ received: 3, inserted: 3 })
    const rows = await ctx.db
      .selectFrom('deals')
      .select(['external_id', 'converted', 'revenue'])
      .where('test_id', '=', test.id)
      .orderBy('external_id')
      .execute()
    expect(rows).toEqual([
      { external_id: 'Д-1', converted: true, revenue: 1234.5 },
      { external_id: 'Д-2', converted: false, revenue: null },
      { external_id: 'Д;3', converted: true, revenue: 999.9 },
    ])
  })

  it('reads comma-separated CSV and names bad rows by their line in the file', async () => {
    const { ws, test } = await runningTest()
    const csv = `externalId,customerKey,closedAt,converted,revenue\nD-1,C-1,${day(3).slice(0, 10)},true,"1,5"\nD-2,C-2,${day(3).slice(0, 10)},maybe,\n\nD-3,C-404,${day(3).slice(0, 10)},false,\n`
    const res = await ctx.request(
      { cookie: ws.members.analyst.cookie },
      'POST',
      `/api/workspaces/${ws.slug}/tests/${test.id}/deals/csv`,
      csv,
      { 'content-type': 'text/csv' },
    )
    expect(res.status).toBe(422)
    expect(res.body.error.details.map((d: { row: number; field: string }) => [d.row, d.field])).toEqual([
      [3, 'converted'],
      [5, 'customerKey'],
    ])
  })

  it('refuses a CSV without a mapped column, saying which', async () => {
    const { ws, test } = await runningTest()
    const res = await ctx.request(
      { cookie: ws.members.analyst.cookie },
      'POST',
      `/api/workspaces/${ws.slug}/tests/${test.id}/deals/csv`,
      'id;who\n1;2\n',
      { 'content-type': 'text/csv' },
    )
    expect(res.status).toBe(400)
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      'query.externalId',
      'query.customerKey',
      'query.closedAt',
      'query.converted',
    ])
  })

  it('completes the test by itself when the target is reached; later deals are kept, flagged late and left out', async () => {
    const { ws, test } = await runningTest(20, { targetDeals: 10 })
    const res = await ingest(
      ws,
      test.id,
      Array.from({ length: 10 }, (_, i) => deal(i)),
    )
    expect(res.body.testStatus).toBe('completed')
    const t = await ws.call('analyst', 'GET', `/tests/${test.id}`)
    expect(t.body).toMatchObject({ status: 'completed', completionReason: 'target_reached' })
    ctx.setNow(new Date(ctx.now().getTime() + 1000))
    // Closed after the completion: late. Closed before it and reported now: counts. A later outcome
    // of a deal in time updates it.
    const late = await ingest(ws, test.id, [
      deal(11, { closedAt: ctx.now().toISOString() }),
      deal(12, { customerKey: 'C-12' }),
      deal(1, { converted: true, revenue: 5 }),
    ])
    expect(late.body).toMatchObject({ inserted: 2, late: 1, updated: 1 })
    expect((await recount(test.id)).reduce((n, r) => n + Number(r.deals), 0)).toBe(11)
    expect(
      (
        await ctx.db
          .selectFrom('deals')
          .select('late')
          .where('test_id', '=', test.id)
          .where('external_id', '=', 'D-11')
          .executeTakeFirstOrThrow()
      ).late,
    ).toBe(true)
    expect(await kept(test.id)).toEqual(await recount(test.id))
    const notices = await ctx.db
      .selectFrom('notifications')
      .select(['kind'])
      .where('test_id', '=', test.id)
      .execute()
    expect(notices).toEqual([{ kind: 'test_completed' }])
  })

  it('refuses deals for a test that has not started', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test()
    const res = await ingest(ws, test.id, deal(1))
    expect(res.status).toBe(409)
  })

  it('exports the deals as CSV', async () => {
    const { ws, test } = await runningTest()
    await ingest(ws, test.id, [deal(1), deal(2)])
    const file = await ctx.request(
      { cookie: ws.members.leader.cookie },
      'GET',
      `/api/workspaces/${ws.slug}/tests/${test.id}/deals?format=csv`,
    )
    const lines = (file.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines[0]).toBe('externalId,customerKey,group,closedAt,converted,revenue,late,updatedAt')
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['D-1', 'D-2'])
  })

  it('keeps exact totals under concurrent, overlapping batches', async () => {
    const { ws, test } = await runningTest()
    const batches = Array.from({ length: 10 }, (_, b) =>
      Array.from({ length: 20 }, (_, i) => deal(b * 10 + i, { converted: (b + i) % 2 === 0 })),
    )
    const replies = await Promise.all(batches.map((rows) => ingest(ws, test.id, rows)))
    expect(replies.every((r) => r.status === 200)).toBe(true)
    const count = await ctx.db
      .selectFrom('deals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('test_id', '=', test.id)
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(110)
    expect(await kept(test.id)).toEqual(await recount(test.id))
  })
})

describe('re-sent deals and money', () => {
  it('rounds revenue once to the cent, so the totals stay equal to the deals after any number of re-sends', async () => {
    const { ws, test } = await runningTest()
    const rows = Array.from({ length: 12 }, (_, i) =>
      deal(i, { converted: true, revenue: 100.005 + i / 1000 }),
    )
    for (let round = 0; round < 3; round++) await ingest(ws, test.id, rows)
    const stored = await ctx.db
      .selectFrom('deals')
      .select('revenue')
      .where('test_id', '=', test.id)
      .orderBy('external_id')
      .execute()
    expect(
      stored.every(
        (d) =>
          Number.isInteger(Math.round(d.revenue! * 100)) && d.revenue === Math.round(d.revenue! * 100) / 100,
      ),
    ).toBe(true)
    expect(await kept(test.id)).toEqual(await recount(test.id))
  })

  it('calls a re-send with the same values unchanged, attributes in any order, and audits nothing', async () => {
    const { ws, test } = await runningTest()
    const first = deal(1, {
      converted: true,
      revenue: 1200.5,
      attributes: { dealer: 'North', trim: 'Comfort' },
    })
    await ingest(ws, test.id, [first])
    const audits = async () =>
      (
        await ctx.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('workspace_id', '=', ws.id)
          .executeTakeFirstOrThrow()
      ).n
    const before = await audits()
    const again = await ingest(ws, test.id, [{ ...first, attributes: { trim: 'Comfort', dealer: 'North' } }])
    expect(again.body).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 })
    expect(await audits()).toBe(before)
    const changed = await ingest(ws, test.id, [{ ...first, revenue: 1300 }])
    expect(changed.body).toMatchObject({ updated: 1, unchanged: 0 })
    expect(await kept(test.id)).toEqual(await recount(test.id))
  })

  it('refuses revenue the column cannot hold, naming the row', async () => {
    const { ws, test } = await runningTest()
    const res = await ingest(ws, test.id, [deal(1), deal(2, { converted: true, revenue: 1e12 })])
    expect(res.status).toBe(422)
    expect(res.body.error.details).toMatchObject([{ row: 2, field: 'revenue', code: 'invalid_value' }])
    expect(await ctx.db.selectFrom('deals').select('id').where('test_id', '=', test.id).execute()).toEqual([])
  })
})

describe('hostile files', () => {
  const csvRequest = (ws: WorkspaceFixture, path: string, body: string, accept = 'application/json') =>
    ctx.request({ cookie: ws.members.analyst.cookie }, 'POST', `/api/workspaces/${ws.slug}${path}`, body, {
      'content-type': 'text/csv',
      accept,
    })

  it('lists the first 1,000 refused rows of a file of bad rows and counts the rest, writing nothing', async () => {
    const { ws, test } = await runningTest()
    const lines = Array.from({ length: 30_000 }, (_, i) => `X-${i},NOBODY-${i},2026-11-10,maybe`)
    const res = await csvRequest(
      ws,
      `/tests/${test.id}/deals/csv`,
      ['externalId,customerKey,closedAt,converted', ...lines].join('\n'),
    )
    expect(res.status).toBe(422)
    expect(res.body.error.message).toMatch(/^30000 row\(s\) refused \(the first 1000 listed\)/)
    expect(res.body.error.details).toHaveLength(1000)
    expect(res.body.error.details[0]).toMatchObject({ row: 2, field: 'converted' })
    expect(res.body.error.details.at(-1).row).toBe(1001)
    expect(JSON.stringify(res.body).length).toBeLessThan(400_000)
    expect(await ctx.db.selectFrom('deals').select('id').where('test_id', '=', test.id).execute()).toEqual([])
    const partial = await csvRequest(
      ws,
      `/tests/${test.id}/deals/csv?mode=partial`,
      ['externalId,customerKey,closedAt,converted', ...lines].join('\n'),
    )
    expect(partial.body).toMatchObject({ received: 30_000, inserted: 0, refusedCount: 30_000 })
    expect(partial.body.refused).toHaveLength(1000)
  })

  it('refuses a customer list at its 100,001st line, before reading what follows', async () => {
    const { ws, test } = await runningTest()
    const lines = Array.from({ length: 400_000 }, (_, i) => `K-${i}`)
    // Megabytes of lines past the limit, then a broken quote: reading the whole file first would
    // answer 400 instead.
    const res = await csvRequest(
      ws,
      `/tests/${test.id}/assignments/csv`,
      ['customerKey', ...lines, '"broken'].join('\n'),
    )
    expect(res.status).toBe(413)
    expect(res.body.error.details[0].path).toBe('rows.100002')
    expect(
      await ctx.db
        .selectFrom('assignments')
        .select('id')
        .where('test_id', '=', test.id)
        .where('customer_key', 'like', 'K-%')
        .execute(),
    ).toEqual([])
  })
})
