import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { notifyTestCompleted } from '../../server/services/notifications.ts'
import {
  createWebhookDispatcher,
  verifyWebhookSignature,
  type WebhookDispatcherOptions,
} from '../../server/services/webhooks.ts'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import { recordFigure } from '../helpers/figures.ts'

// The receivers here listen on 127.0.0.1, a private address that webhooks may only reach with
// this setting (tests/security/webhook-targets.test.ts checks the refusal without it).
process.env.ALLOW_PRIVATE_WEBHOOKS = '1'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})
// A dispatcher sees every workspace's deliveries: leave none pending for the next test.
afterEach(async () => {
  await ctx.db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed' })
    .where('status', '=', 'pending')
    .execute()
})

const SECRET = 'a-long-enough-webhook-secret'
const totals = { control: { deals: 60, conversions: 9 }, treatment: { deals: 60, conversions: 15 } }

interface Received {
  headers: IncomingHttpHeaders
  body: string
  signed: boolean
}

/** A real HTTP receiver on 127.0.0.1 that records each request and checks its signature. */
async function startReceiver(answer: (n: number) => number | 'hang' = () => 200, secret = SECRET) {
  const requests: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const signed = verifyWebhookSignature(
        secret,
        String(req.headers['x-cxw-timestamp']),
        body,
        req.headers['x-cxw-signature'] as string,
      )
      requests.push({ headers: req.headers, body, signed })
      const status = answer(requests.length)
      if (status !== 'hang')
        res
          .writeHead(status, { 'content-type': 'text/plain' })
          .end(status < 300 ? 'ok' : 'receiver is broken')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function webhookWorkspace(url: string) {
  const ws = await ctx.newWorkspace()
  const res = await ws.call('admin', 'PATCH', '/settings', { webhookUrl: url, webhookSecret: SECRET })
  expect(res.status).toBe(200)
  return ws
}

async function complete(ws: WorkspaceFixture, at: Date, db = ctx.db) {
  const test = await ws.test()
  const ids = await db.transaction().execute((trx) =>
    notifyTestCompleted(trx, {
      workspaceId: ws.id,
      test: { id: test.id, name: test.name, hypothesisId: test.hypothesisId },
      reason: 'target_reached',
      completedAt: at,
      totals,
    }),
  )
  return { test, ...ids }
}

function dispatcher(start: Date, options: Partial<WebhookDispatcherOptions> = {}) {
  let now = start
  const d = createWebhookDispatcher({ db: ctx.db, clock: () => now, timeoutMs: 1000, ...options })
  return {
    ...d,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms)
    },
    now: () => now,
  }
}

const deliveries = async (ws: WorkspaceFixture) =>
  (await ws.call('admin', 'GET', '/webhook-deliveries')).body.items

describe('workspace settings', () => {
  it('round-trips the webhook for an admin and never returns or audits the secret', async () => {
    const ws = await ctx.newWorkspace()
    expect((await ws.call('admin', 'GET', '/settings')).body).toEqual({
      slug: ws.slug,
      name: `Workspace ${ws.slug}`,
      locale: 'en',
      timeZone: 'UTC',
      currency: 'USD',
      webhookUrl: null,
      hasWebhookSecret: false,
    })
    const patched = await ws.call('admin', 'PATCH', '/settings', {
      name: 'Sales',
      locale: 'ru',
      webhookUrl: 'https://crm.example.com/hook',
      webhookSecret: SECRET,
    })
    const expected = {
      slug: ws.slug,
      name: 'Sales',
      locale: 'ru',
      timeZone: 'UTC',
      currency: 'USD',
      webhookUrl: 'https://crm.example.com/hook',
      hasWebhookSecret: true,
    }
    expect(patched.body).toEqual(expected)
    expect((await ws.call('admin', 'GET', '/settings')).body).toEqual(expected)
    const stored = await sql<{
      row: string
    }>`select a::text as row from audit_log a where workspace_id = ${ws.id}`.execute(ctx.db)
    expect(stored.rows.map((r) => r.row).join()).toContain('workspace.settings_changed')
    expect(stored.rows.map((r) => r.row).join()).not.toContain(SECRET)

    const cleared = await ws.call('admin', 'PATCH', '/settings', { webhookUrl: null, webhookSecret: null })
    expect(cleared.body).toMatchObject({ webhookUrl: null, hasWebhookSecret: false })
  })

  it('audits a change with whether a secret is set, not the secret', async () => {
    const ws = await ctx.newWorkspace()
    await ws.call('admin', 'PATCH', '/settings', {
      webhookUrl: 'https://crm.example.com/hook',
      webhookSecret: SECRET,
    })
    const audit = await ws.call('admin', 'GET', '/audit?subjectType=workspace')
    expect(audit.body.items).toMatchObject([
      {
        action: 'workspace.settings_changed',
        subjectId: ws.id,
        actor: { userId: ws.members.admin.id },
        before: { webhookUrl: null, hasWebhookSecret: false },
        after: {
          webhookUrl: 'https://crm.example.com/hook',
          hasWebhookSecret: true,
          webhookSecretChanged: true,
        },
      },
    ])
  })

  it('lets only admins read or change settings and read the delivery log', async () => {
    const ws = await ctx.newWorkspace()
    for (const role of ['marketer', 'analyst', 'leader'] as const) {
      expect((await ws.call(role, 'GET', '/settings')).status).toBe(403)
      expect((await ws.call(role, 'PATCH', '/settings', { name: 'Mine' })).status).toBe(403)
      expect((await ws.call(role, 'GET', '/webhook-deliveries')).status).toBe(403)
    }
    expect((await ws.call('admin', 'GET', '/settings')).body.name).toBe(`Workspace ${ws.slug}`)
  })

  it('refuses a non-HTTP URL, a short secret, and a URL without a secret', async () => {
    const ws = await ctx.newWorkspace()
    const ftp = await ws.call('admin', 'PATCH', '/settings', {
      webhookUrl: 'ftp://example.com/x',
      webhookSecret: SECRET,
    })
    expect(ftp.status).toBe(400)
    expect(ftp.body.error.details[0].path).toBe('body.webhookUrl')
    const short = await ws.call('admin', 'PATCH', '/settings', { webhookSecret: 'short' })
    expect(short.status).toBe(400)
    expect(short.body.error.details[0].path).toBe('body.webhookSecret')
    const unsigned = await ws.call('admin', 'PATCH', '/settings', {
      webhookUrl: 'https://crm.example.com/hook',
    })
    expect(unsigned.status).toBe(422)
    expect(unsigned.body.error.details[0].path).toBe('body.webhookSecret')
  })
})

describe('notifyTestCompleted', () => {
  it("writes the notice and the delivery in the caller's transaction, and neither when it rolls back", async () => {
    const ws = await webhookWorkspace('http://127.0.0.1:9/hooks')
    const at = ctx.now()
    const { test, notificationId, deliveryId } = await complete(ws, at)
    const notices = await ws.call('marketer', 'GET', '/notifications?unread=true')
    expect(notices.body.items).toEqual([
      {
        id: notificationId,
        kind: 'test_completed',
        testId: test.id,
        createdAt: at.toISOString(),
        readAt: null,
        payload: {
          test: { id: test.id, name: test.name, hypothesisId: test.hypothesisId },
          reason: 'target_reached',
          completedAt: at.toISOString(),
          totals,
        },
      },
    ])
    const row = await ctx.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', deliveryId!)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      event: 'test.completed',
      url: 'http://127.0.0.1:9/hooks',
      status: 'pending',
      attempts: 0,
    })
    expect(row.payload).toEqual({
      event: 'test.completed',
      workspace: ws.slug,
      test: { id: test.id, name: test.name, hypothesisId: test.hypothesisId },
      reason: 'target_reached',
      completedAt: at.toISOString(),
      totals,
    })

    const test2 = await ws.test()
    await expect(
      ctx.db.transaction().execute(async (trx) => {
        await notifyTestCompleted(trx, {
          workspaceId: ws.id,
          test: { id: test2.id, name: test2.name, hypothesisId: test2.hypothesisId },
          reason: 'max_duration',
          completedAt: at,
          totals,
        })
        throw new Error('the completion failed')
      }),
    ).rejects.toThrow('the completion failed')
    expect(
      await ctx.db.selectFrom('notifications').select('id').where('test_id', '=', test2.id).execute(),
    ).toEqual([])
    expect((await deliveries(ws)).length).toBe(1)
  })

  it('gives a workspace without a webhook the notice only; members mark it read, other workspaces cannot', async () => {
    const ws = await ctx.newWorkspace()
    const { notificationId, deliveryId } = await complete(ws, ctx.now())
    expect(deliveryId).toBeNull()
    expect(await deliveries(ws)).toEqual([])
    const other = await ctx.newWorkspace()
    expect((await other.call('admin', 'POST', `/notifications/${notificationId}/read`)).status).toBe(404)
    const read = await ws.call('leader', 'POST', `/notifications/${notificationId}/read`)
    expect(read.status).toBe(200)
    expect(read.body.readAt).toBe(ctx.now().toISOString())
    expect((await ws.call('leader', 'GET', '/notifications?unread=true')).body.items).toEqual([])
    expect(
      (await ws.call('leader', 'GET', '/notifications')).body.items.map((n: { id: number }) => n.id),
    ).toEqual([notificationId])
  })
})

describe('the webhook dispatcher', () => {
  it('delivers a signed POST that the receiver and an independent HMAC both verify', async () => {
    const receiver = await startReceiver()
    try {
      const ws = await webhookWorkspace(receiver.url)
      const { test, deliveryId } = await complete(ws, ctx.now())
      const d = dispatcher(ctx.now())
      expect(await d.deliverDue()).toBe(1)
      expect(receiver.requests).toHaveLength(1)
      const [req] = receiver.requests
      expect(req!.signed).toBe(true)
      expect(req!.headers).toMatchObject({
        'content-type': 'application/json',
        'x-cxw-event': 'test.completed',
        'x-cxw-delivery': String(deliveryId),
        'x-cxw-timestamp': String(ctx.now().getTime() / 1000),
      })
      const independent = createHmac('sha256', SECRET)
        .update(`${req!.headers['x-cxw-timestamp']}.${req!.body}`)
        .digest('hex')
      expect(req!.headers['x-cxw-signature']).toBe(`sha256=${independent}`)
      expect(JSON.parse(req!.body)).toEqual({
        event: 'test.completed',
        deliveryId,
        workspace: ws.slug,
        test: { id: test.id, name: test.name, hypothesisId: test.hypothesisId },
        reason: 'target_reached',
        completedAt: ctx.now().toISOString(),
        totals,
      })
      expect(await deliveries(ws)).toEqual([
        {
          id: deliveryId,
          event: 'test.completed',
          url: receiver.url,
          status: 'delivered',
          attempts: 1,
          lastStatus: 200,
          lastError: null,
          nextAttemptAt: expect.any(String),
          deliveredAt: ctx.now().toISOString(),
          createdAt: ctx.now().toISOString(),
        },
      ])
      expect(await d.deliverDue()).toBe(0)
    } finally {
      await receiver.close()
    }
  })

  it('verifies signatures strictly', () => {
    const body = '{"event":"test.completed"}'
    const header = `sha256=${createHmac('sha256', SECRET).update(`1700000000.${body}`).digest('hex')}`
    expect(verifyWebhookSignature(SECRET, 1700000000, body, header)).toBe(true)
    expect(verifyWebhookSignature(SECRET, 1700000000, `${body} `, header)).toBe(false)
    expect(verifyWebhookSignature(`${SECRET}x`, 1700000000, body, header)).toBe(false)
    expect(verifyWebhookSignature(SECRET, 1700000001, body, header)).toBe(false)
    expect(verifyWebhookSignature(SECRET, 1700000000, body, header.slice(7))).toBe(false)
    expect(verifyWebhookSignature(SECRET, 1700000000, body, undefined)).toBe(false)
    expect(
      verifyWebhookSignature(SECRET, 1700000000, body, header, { now: new Date(1700000000_000 + 299_000) }),
    ).toBe(true)
    expect(
      verifyWebhookSignature(SECRET, 1700000000, body, header, { now: new Date(1700000000_000 + 301_000) }),
    ).toBe(false)
  })

  it('retries a receiver answering 500 after the backoff and delivers on the second attempt', async () => {
    const receiver = await startReceiver((n) => (n === 1 ? 500 : 200))
    try {
      const ws = await webhookWorkspace(receiver.url)
      const { deliveryId } = await complete(ws, ctx.now())
      const d = dispatcher(ctx.now())
      expect(await d.deliverDue()).toBe(1)
      expect(await deliveries(ws)).toMatchObject([
        {
          status: 'pending',
          attempts: 1,
          lastStatus: 500,
          lastError: expect.stringMatching(/^HTTP 500 after \d+ ms$/),
          nextAttemptAt: new Date(ctx.now().getTime() + 30_000).toISOString(),
          deliveredAt: null,
        },
      ])
      d.advance(29_000)
      expect(await d.deliverDue()).toBe(0)
      d.advance(1_000)
      expect(await d.deliverDue()).toBe(1)
      expect(await deliveries(ws)).toMatchObject([
        {
          status: 'delivered',
          attempts: 2,
          lastStatus: 200,
          lastError: null,
          deliveredAt: d.now().toISOString(),
        },
      ])
      expect(receiver.requests.map((r) => [r.headers['x-cxw-delivery'], r.signed])).toEqual([
        [String(deliveryId), true],
        [String(deliveryId), true],
      ])
      expect(receiver.requests[1]!.body).toBe(receiver.requests[0]!.body)
    } finally {
      await receiver.close()
    }
  })

  it('backs off from a receiver that is down and marks the delivery failed after maxAttempts, blocking no writes', async () => {
    const closed = await startReceiver()
    await closed.close()
    const ws = await webhookWorkspace(closed.url)
    const { deliveryId } = await complete(ws, ctx.now())
    const d = dispatcher(ctx.now(), { maxAttempts: 3 })
    for (const [attempt, wait] of [
      [1, 30_000],
      [2, 60_000],
    ] as const) {
      const [attempted, other] = await Promise.all([
        d.deliverDue(),
        complete(await ctx.newWorkspace(), d.now()),
      ])
      expect(attempted).toBe(1)
      expect(other.notificationId).toBeGreaterThan(0)
      const [row] = await deliveries(ws)
      expect(row).toMatchObject({
        id: deliveryId,
        status: 'pending',
        attempts: attempt,
        lastStatus: null,
        nextAttemptAt: new Date(d.now().getTime() + wait).toISOString(),
      })
      expect(row.lastError).toMatch(/ECONNREFUSED/)
      d.advance(wait)
    }
    expect(await d.deliverDue()).toBe(1)
    expect(await deliveries(ws)).toMatchObject([
      { status: 'failed', attempts: 3, lastStatus: null, deliveredAt: null },
    ])
    d.advance(24 * 3600_000)
    expect(await d.deliverDue()).toBe(0)
    recordFigure(
      'fault survived: webhook receiver down — 3 attempts with backoff, marked failed, other writes not blocked',
    )
  })

  it('keeps no transaction open while a receiver hangs: completions and edits go through meanwhile', async () => {
    const receiver = await startReceiver(() => 'hang')
    try {
      const ws = await webhookWorkspace(receiver.url)
      await complete(ws, ctx.now())
      const d = dispatcher(ctx.now(), { timeoutMs: 1500 })
      let settled = false
      const pass = d.deliverDue().finally(() => {
        settled = true
      })
      while (receiver.requests.length === 0) await new Promise((r) => setTimeout(r, 10))
      const { notificationId } = await complete(ws, ctx.now())
      expect((await ws.call('admin', 'PATCH', '/settings', { name: 'Edited meanwhile' })).status).toBe(200)
      expect((await ws.call('analyst', 'POST', '/segments', { name: 'Young families' })).status).toBe(201)
      expect(notificationId).toBeGreaterThan(0)
      expect(settled).toBe(false)
      expect(await pass).toBe(1)
      expect((await deliveries(ws)).at(-1)).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatus: null,
        lastError: 'No answer within 1500 ms',
      })
    } finally {
      await receiver.close()
    }
  })

  it('sends each delivery once when two dispatchers run at the same time', async () => {
    const receiver = await startReceiver()
    try {
      const ws = await webhookWorkspace(receiver.url)
      const ids = []
      for (let i = 0; i < 6; i++) ids.push((await complete(ws, ctx.now())).deliveryId)
      const one = dispatcher(ctx.now(), { batchSize: 4 })
      const two = dispatcher(ctx.now(), { batchSize: 4 })
      const counts = await Promise.all([
        one.deliverDue(),
        two.deliverDue(),
        one.deliverDue(),
        two.deliverDue(),
      ])
      expect(counts.reduce((a, b) => a + b, 0)).toBe(6)
      expect(receiver.requests.map((r) => Number(r.headers['x-cxw-delivery'])).sort((a, b) => a - b)).toEqual(
        ids,
      )
      expect(
        (await deliveries(ws)).every(
          (r: { status: string; attempts: number }) => r.status === 'delivered' && r.attempts === 1,
        ),
      ).toBe(true)
    } finally {
      await receiver.close()
    }
  })

  it('kick() and start() deliver in the background; stop() waits; a failing pass is logged, not thrown', async () => {
    const receiver = await startReceiver()
    try {
      const ws = await webhookWorkspace(receiver.url)
      await complete(ws, ctx.now())
      const d = dispatcher(ctx.now())
      d.kick()
      await d.stop()
      expect(receiver.requests).toHaveLength(1)

      await complete(ws, ctx.now())
      const timed = dispatcher(ctx.now())
      timed.start(20)
      while (receiver.requests.length < 2) await new Promise((r) => setTimeout(r, 10))
      await timed.stop()
      expect((await deliveries(ws)).map((r: { status: string }) => r.status)).toEqual([
        'delivered',
        'delivered',
      ])

      const logged: unknown[] = []
      const broken = createWebhookDispatcher({
        db: ctx.db,
        clock: () => {
          throw new Error('clock broke')
        },
        log: (_m, err) => logged.push(err),
      })
      expect(() => broken.kick()).not.toThrow()
      await broken.stop()
      expect(logged).toEqual([new Error('clock broke')])
    } finally {
      await receiver.close()
    }
  })
})
