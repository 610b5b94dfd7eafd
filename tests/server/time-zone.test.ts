import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  dayInZone,
  isTimeZone,
  readZonedDate,
  startOfDay,
  zonedTimeToInstant,
} from '../../server/lib/time-zone.ts'
import { normaliseDate } from '../../server/lib/csv.ts'
import { createTestContext, type TestContext } from '../helpers/context.ts'

describe('calendar days in a zone', () => {
  it('reads a date as the whole day in the zone and a time without offset as its wall clock', () => {
    expect(readZonedDate('2026-12-03', 'Europe/Moscow')).toEqual({
      instant: new Date('2026-12-02T21:00:00Z'),
      dayOnly: true,
    })
    expect(readZonedDate('2026-12-03', 'UTC')).toEqual({
      instant: new Date('2026-12-03T00:00:00Z'),
      dayOnly: true,
    })
    expect(readZonedDate('2026-12-03T10:30', 'Europe/Moscow')).toEqual({
      instant: new Date('2026-12-03T07:30:00Z'),
      dayOnly: false,
    })
    expect(readZonedDate('2026-12-03 10:30:15.250', 'UTC')!.instant).toEqual(
      new Date('2026-12-03T10:30:15.250Z'),
    )
    expect(readZonedDate('2026-12-03T10:30:00+05:00', 'Europe/Moscow')!.instant).toEqual(
      new Date('2026-12-03T05:30:00Z'),
    )
    expect(readZonedDate('2026-12-03T10:30:00Z', 'Europe/Moscow')!.instant).toEqual(
      new Date('2026-12-03T10:30:00Z'),
    )
  })

  it('follows daylight saving where the zone has it', () => {
    // Berlin: UTC+1 in winter, UTC+2 in summer (from 2026-03-29 02:00 local).
    expect(zonedTimeToInstant('Europe/Berlin', 2026, 1, 15, 12)).toEqual(new Date('2026-01-15T11:00:00Z'))
    expect(zonedTimeToInstant('Europe/Berlin', 2026, 7, 15, 12)).toEqual(new Date('2026-07-15T10:00:00Z'))
    expect(startOfDay('2026-03-29', 'Europe/Berlin')).toEqual(new Date('2026-03-28T23:00:00Z'))
    expect(startOfDay('2026-03-30', 'Europe/Berlin')).toEqual(new Date('2026-03-29T22:00:00Z'))
    expect(dayInZone(new Date('2026-03-29T22:30:00Z'), 'Europe/Berlin')).toBe('2026-03-30')
  })

  it('tells the day of an instant around midnight', () => {
    expect(dayInZone(new Date('2026-12-02T21:30:00Z'), 'Europe/Moscow')).toBe('2026-12-03')
    expect(dayInZone(new Date('2026-12-02T21:30:00Z'), 'UTC')).toBe('2026-12-02')
    expect(dayInZone(new Date('2026-12-02T20:59:59.999Z'), 'Europe/Moscow')).toBe('2026-12-02')
  })

  it('knows IANA names and refuses others', () => {
    expect(isTimeZone('Europe/Moscow')).toBe(true)
    expect(isTimeZone('UTC')).toBe(true)
    expect(isTimeZone('Mars/Olympus')).toBe(false)
    expect(isTimeZone('')).toBe(false)
  })

  it("keeps a spreadsheet's date a date, and its time without an offset", () => {
    expect(normaliseDate('03.12.2026')).toBe('2026-12-03')
    expect(normaliseDate('3.12.2026 9:05')).toBe('2026-12-03T09:05:00')
    expect(normaliseDate(' 2026-12-03 ')).toBe('2026-12-03')
  })
})

describe('deals dated by day only', () => {
  let ctx: TestContext
  beforeAll(async () => {
    ctx = await createTestContext()
  })
  afterAll(async () => {
    await ctx?.close()
  })

  /** A test started at `startedAt` in a workspace of `zone`, with customers C-0…C-9 assigned. */
  async function startedTest(zone: string, startedAt: Date, callsUntil = startedAt) {
    ctx.setNow(callsUntil) // sessions are valid for a day from now
    const ws = await ctx.newWorkspace()
    expect((await ws.call('admin', 'PATCH', '/settings', { timeZone: zone })).status).toBe(200)
    const test = await ws.test({ plan: { targetDeals: 1000 } })
    ctx.setNow(startedAt)
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    const customers = Array.from({ length: 10 }, (_, i) => ({ customerKey: `C-${i}` }))
    await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customers })
    return { ws, test }
  }
  const deal = (i: number, closedAt: string) => ({
    externalId: `D-${i}`,
    customerKey: `C-${i}`,
    closedAt,
    converted: i % 2 === 0,
  })

  it('counts a deal dated the start day, in Moscow and in UTC, and refuses the day before', async () => {
    // 00:30 on 3 December in Moscow is still 2 December in UTC.
    const startedAt = new Date('2026-12-02T21:30:00Z')
    const moscow = await startedTest('Europe/Moscow', startedAt)
    ctx.setNow(new Date('2026-12-03T12:00:00Z'))
    const m = await moscow.ws.call('analyst', 'POST', `/tests/${moscow.test.id}/deals?mode=partial`, [
      deal(0, '2026-12-03'),
      deal(1, '2026-12-02'),
      deal(2, '2026-12-04'),
    ])
    expect(m.body.inserted).toBe(1)
    expect(m.body.refused.map((r: { row: number; code: string }) => [r.row, r.code])).toEqual([
      [2, 'before_test_start'],
      [3, 'in_future'],
    ])
    expect(m.body.refused[0].reason).toBe('before the test started (2026-12-03)')

    const utc = await startedTest('UTC', startedAt)
    ctx.setNow(new Date('2026-12-03T12:00:00Z'))
    const u = await utc.ws.call('analyst', 'POST', `/tests/${utc.test.id}/deals?mode=partial`, [
      deal(0, '2026-12-03'),
      deal(1, '2026-12-02'),
      deal(2, '2026-12-01'),
    ])
    expect(u.body.inserted).toBe(2)
    expect(u.body.refused.map((r: { code: string }) => r.code)).toEqual(['before_test_start'])
  })

  it('takes a Russian spreadsheet date in a CSV on the day the test started', async () => {
    const startedAt = new Date('2026-12-03T06:00:00Z')
    const { ws, test } = await startedTest('Europe/Moscow', startedAt)
    ctx.setNow(new Date('2026-12-03T15:00:00Z'))
    const csv = 'ID сделки;Клиент;Дата;Доп\n1;C-1;03.12.2026;да\n2;C-2;03.12.2026 10:15;нет\n'
    const res = await ctx.request(
      { cookie: ws.members.analyst.cookie },
      'POST',
      `/api/workspaces/${ws.slug}/tests/${test.id}/deals/csv?externalId=ID сделки&customerKey=Клиент&closedAt=Дата&converted=Доп`,
      csv,
      { 'content-type': 'text/csv' },
    )
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ inserted: 2, refused: [] })
    const stored = await ctx.db
      .selectFrom('deals')
      .select(['external_id', 'closed_at', 'closed_day_only'])
      .where('test_id', '=', test.id)
      .orderBy('external_id')
      .execute()
    expect(stored).toEqual([
      { external_id: '1', closed_at: new Date('2026-12-02T21:00:00Z'), closed_day_only: true },
      { external_id: '2', closed_at: new Date('2026-12-03T07:15:00Z'), closed_day_only: false },
    ])
  })

  it("puts each deal on its calendar day in the workspace's zone in the daily series", async () => {
    const startedAt = new Date('2026-12-01T00:00:00Z')
    const { ws, test } = await startedTest('Europe/Moscow', startedAt, new Date('2026-12-05T12:00:00Z'))
    ctx.setNow(new Date('2026-12-05T12:00:00Z'))
    await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [
      deal(0, '2026-12-03T20:59:00Z'), // 23:59 on 3 December in Moscow
      deal(1, '2026-12-03T21:01:00Z'), // 00:01 on 4 December in Moscow
      deal(2, '2026-12-04'),
    ])
    const results = await ws.call('leader', 'GET', `/tests/${test.id}/results`)
    expect(results.body.series.map((p: { day: string }) => p.day)).toEqual(['2026-12-03', '2026-12-04'])
    expect(results.body.series.map((p: any) => p.control.deals + p.treatment.deals)).toEqual([1, 3])
    expect(
      await ctx.db
        .selectFrom('arm_daily_totals')
        .select(['day'])
        .select((eb) => eb.fn.sum<number>('deals').as('deals'))
        .where('test_id', '=', test.id)
        .groupBy('day')
        .orderBy('day')
        .execute(),
    ).toEqual([
      { day: '2026-12-03', deals: 1 },
      { day: '2026-12-04', deals: 2 },
    ])
  })

  it('refuses an unknown time zone in the settings', async () => {
    const ws = await ctx.newWorkspace()
    const res = await ws.call('admin', 'PATCH', '/settings', { timeZone: 'Moscow' })
    expect(res.status).toBe(400)
    expect(res.body.error.details[0].path).toBe('body.timeZone')
  })
})
