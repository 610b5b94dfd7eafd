import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWebhookDispatcher, verifyWebhookSignature } from '../../server/services/webhooks.ts'
import { fisherExact, verdict } from '../../stats/index.ts'
import { createTestContext, type TestContext } from '../helpers/context.ts'

// The receiver listens on 127.0.0.1, a private address webhooks reach only with this setting.
process.env.ALLOW_PRIVATE_WEBHOOKS = '1'

let ctx: TestContext
let receiver: Server
let received: { headers: IncomingMessage['headers']; body: string }[] = []
let receiverUrl: string

beforeAll(async () => {
  ctx = await createTestContext()
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`
})
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve))
  await ctx?.close()
})

const DAY = 86_400_000

describe('a test run end to end by an integration with an API key', () => {
  it('assigns a customer list, takes deals (some twice, some outcomes late), completes itself, signs a webhook, and reports results and the portfolio', async () => {
    received = []
    const ws = await ctx.newWorkspace()
    const secret = 'a-long-webhook-secret-123'
    expect(
      (await ws.call('admin', 'PATCH', '/settings', { webhookUrl: receiverUrl, webhookSecret: secret }))
        .status,
    ).toBe(200)
    const segment = await ws.segment({ yearlyDeals: 2400, valuePerConversion: 1200 })
    const journey = await ws.journey({ segmentId: segment.id })
    const stage = await ws.stage({ journeyId: journey.id })
    const barrier = await ws.barrier({ stageId: stage.id })
    const rec = await ws.recommendation({ stageId: stage.id, barrierId: barrier.id })
    const h = await ws.hypothesis({ recommendationId: rec.id })
    const test = await ws.test({ hypothesisId: h.id, plan: { targetDeals: 40 } })
    const start = ctx.now()
    ctx.setNow(new Date(start.getTime() - 20 * DAY))
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    ctx.setNow(start)
    const key = { bearer: (await ws.call('admin', 'POST', '/api-keys', { name: 'CRM' })).body.key as string }

    const list = ['customerKey', ...Array.from({ length: 60 }, (_, i) => `CRM-${1000 + i}`)].join('\n')
    const assigned = await ctx.request(
      key,
      'POST',
      `/api/workspaces/${ws.slug}/tests/${test.id}/assignments/csv`,
      list,
      { 'content-type': 'text/csv' },
    )
    expect(assigned.status).toBe(200)
    const file = (assigned.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(','))
    expect(file).toHaveLength(60)
    const groupOf = new Map(file.map(([k, g]) => [k!, g!]))

    const deal = (i: number, converted: boolean) => ({
      externalId: `D-${i}`,
      customerKey: `CRM-${1000 + i}`,
      closedAt: new Date(start.getTime() - (10 - (i % 10)) * DAY).toISOString(),
      converted,
      revenue: converted ? 900 + i : null,
    })
    const first = await ctx.request(
      key,
      'POST',
      `/api/workspaces/${ws.slug}/tests/${test.id}/deals`,
      Array.from({ length: 30 }, (_, i) => deal(i, i % 4 === 0)),
    )
    expect(first.body).toMatchObject({ inserted: 30, testStatus: 'running' })
    const again = await ctx.request(key, 'POST', `/api/workspaces/${ws.slug}/tests/${test.id}/deals`, [
      deal(0, true),
      deal(1, true),
    ])
    expect(again.body).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 })
    const running = await ws.call('analyst', 'GET', `/tests/${test.id}/results`)
    expect(running.body).toMatchObject({
      provisional: true,
      progress: { targetDeals: 40, deals: { total: 30 } },
    })

    const last = await ctx.request(
      key,
      'POST',
      `/api/workspaces/${ws.slug}/tests/${test.id}/deals`,
      Array.from({ length: 10 }, (_, i) => deal(30 + i, i % 2 === 0)),
    )
    expect(last.body.testStatus).toBe('completed')
    // A deal closed after the completion is kept and late; one closed before it, reported later, counts.
    ctx.setNow(new Date(start.getTime() + 60_000))
    const late = await ctx.request(key, 'POST', `/api/workspaces/${ws.slug}/tests/${test.id}/deals`, [
      { ...deal(50, true), closedAt: ctx.now().toISOString() },
      deal(51, false),
    ])
    expect(late.body).toMatchObject({ inserted: 2, late: 1 })
    ctx.setNow(start)

    const delivered = await createWebhookDispatcher({ db: ctx.db, clock: ctx.now }).deliverDue()
    expect(delivered).toBe(1)
    expect(received).toHaveLength(1)
    const hook = received[0]!
    expect(
      verifyWebhookSignature(
        secret,
        String(hook.headers['x-cxw-timestamp']),
        hook.body,
        String(hook.headers['x-cxw-signature']),
      ),
    ).toBe(true)
    expect(JSON.parse(hook.body)).toMatchObject({
      event: 'test.completed',
      reason: 'target_reached',
      test: { id: test.id },
    })

    const results = await ws.call('leader', 'GET', `/tests/${test.id}/results?lang=ru`)
    expect(results.status).toBe(200)
    const arms = { control: { deals: 0, conversions: 0 }, treatment: { deals: 0, conversions: 0 } }
    const outcomes = new Map<number, boolean>(
      Array.from({ length: 40 }, (_, i) => [i, i < 30 ? i % 4 === 0 : (i - 30) % 2 === 0]),
    )
    outcomes.set(1, true)
    outcomes.set(51, false)
    for (const [i, converted] of outcomes) {
      const arm = arms[groupOf.get(`CRM-${1000 + i}`) as 'control' | 'treatment']
      arm.deals++
      if (converted) arm.conversions++
    }
    expect(results.body).toMatchObject({
      provisional: false,
      lateDeals: 1,
      progress: {
        deals: { control: arms.control.deals, treatment: arms.treatment.deals, total: 41 },
        targetReached: true,
      },
    })
    expect(results.body.verdict.fisher.pValue).toBe(fisherExact(arms).pValue)
    const expected = verdict({
      ...arms,
      plan: {
        alpha: 0.05,
        power: 0.8,
        alternative: 'two-sided',
        controlShare: 0.5,
        targetDeals: 40,
        baselineRate: 0.15,
        expectedLift: 0.12,
      },
    })
    expect(results.body.verdict.pValue).toBe(expected.pValue)
    expect(results.body.summary).toBe(expected.summary.ru)
    expect(results.body.series.at(-1)).toMatchObject({
      control: { deals: arms.control.deals },
      treatment: { deals: arms.treatment.deals },
    })

    const portfolio = await ws.call('leader', 'GET', '/portfolio?adjust=holm')
    expect(portfolio.status).toBe(200)
    expect(portfolio.body.awaitingDecision).toEqual([test.id])
    const entry = portfolio.body.tests.find((t: { id: number }) => t.id === test.id)
    expect(entry).toMatchObject({
      status: 'completed',
      progress: { deals: { total: 41 } },
      result: { pValue: expected.pValue },
      adjustedPValue: expected.pValue,
    })
    expect(entry.impact.yearly).toBeCloseTo(entry.result.difference.estimate * 2400 * 1200, 6)
  })

  it('completes a test by time in the periodic sweep', async () => {
    const { sweepTests } = await import('../../server/services/test-lifecycle.ts')
    const ws = await ctx.newWorkspace()
    const test = await ws.test({ plan: { targetDeals: 100, maxDurationDays: 30 } })
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    expect(await sweepTests(ctx.db, new Date(ctx.now().getTime() + 29 * DAY))).toBe(0)
    expect(await sweepTests(ctx.db, new Date(ctx.now().getTime() + 31 * DAY))).toBe(1)
    expect((await ws.call('analyst', 'GET', `/tests/${test.id}`)).body).toMatchObject({
      status: 'completed',
      completionReason: 'max_duration',
    })
  })
})
