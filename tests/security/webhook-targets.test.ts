import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { notifyTestCompleted } from '../../server/services/notifications.ts'
import { createWebhookDispatcher } from '../../server/services/webhooks.ts'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'

// These tests are about the refusal itself: private targets are not allowed here.
delete process.env.ALLOW_PRIVATE_WEBHOOKS

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})
afterEach(async () => {
  await ctx.db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed' })
    .where('status', '=', 'pending')
    .execute()
})

const SECRET = 'a-long-enough-webhook-secret'
const totals = { control: { deals: 60, conversions: 9 }, treatment: { deals: 60, conversions: 15 } }

/** A receiver on 127.0.0.1 that answers `status` with a body that must never reach the log. */
async function startReceiver(status = 200) {
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} host=${req.headers.host}`)
    req.resume()
    req.on('end', () =>
      res.writeHead(status, { 'content-type': 'text/plain' }).end('PostgreSQL 16.2 on x86_64; db=internal'),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A pending delivery to `url`, as if the URL had been saved before the check existed. */
async function pendingDelivery(ws: WorkspaceFixture, url: string) {
  await ctx.db
    .updateTable('workspaces')
    .set({ webhook_url: url, webhook_secret: SECRET })
    .where('id', '=', ws.id)
    .execute()
  const test = await ws.test()
  const { deliveryId } = await ctx.db.transaction().execute((trx) =>
    notifyTestCompleted(trx, {
      workspaceId: ws.id,
      test: { id: test.id, name: test.name, hypothesisId: test.hypothesisId },
      reason: 'target_reached',
      completedAt: ctx.now(),
      totals,
    }),
  )
  return deliveryId!
}

const deliveryRow = (id: number) =>
  ctx.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

describe('saving a webhook URL', () => {
  const PRIVATE = [
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://127.0.0.1:5432/',
    'http://[::1]/',
    'http://10.0.0.1/',
    'http://2130706433/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://localhost:3000/api/health',
    'http://app.localhost/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://0.0.0.0/',
    'http://192.168.1.10/',
    'http://172.16.5.4/',
    'http://100.64.0.1/',
    'http://100.100.100.200/latest/meta-data/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://[fc00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[::]/',
    'https://127.1/',
  ]

  it('refuses every private, loopback, link-local, CGNAT, unique-local, mapped or metadata target with 422 naming the field', async () => {
    const ws = await ctx.newWorkspace()
    const accepted: string[] = []
    for (const url of PRIVATE) {
      const res = await ws.call('admin', 'PATCH', '/settings', { webhookUrl: url, webhookSecret: SECRET })
      if (res.status !== 422) accepted.push(`${url} → ${res.status}`)
      else {
        expect(res.body.error.code).toBe('pipeline_rule')
        expect(res.body.error.details[0].path).toBe('body.webhookUrl')
      }
    }
    expect(accepted).toEqual([])
    expect((await ws.call('admin', 'GET', '/settings')).body.webhookUrl).toBeNull()
  })

  it('takes an ordinary public URL, and only http or https', async () => {
    const ws = await ctx.newWorkspace()
    for (const url of ['https://crm.example.com/hooks/cxw', 'http://93.184.215.14:8080/hook'])
      expect(
        (await ws.call('admin', 'PATCH', '/settings', { webhookUrl: url, webhookSecret: SECRET })).status,
      ).toBe(200)
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1:5432/', 'ftp://example.com/'])
      expect(
        (await ws.call('admin', 'PATCH', '/settings', { webhookUrl: url, webhookSecret: SECRET })).status,
      ).toBe(400)
  })

  it('takes a private target when ALLOW_PRIVATE_WEBHOOKS=1 (on-premises receivers)', async () => {
    const ws = await ctx.newWorkspace()
    process.env.ALLOW_PRIVATE_WEBHOOKS = '1'
    try {
      const res = await ws.call('admin', 'PATCH', '/settings', {
        webhookUrl: 'http://10.1.2.3/hook',
        webhookSecret: SECRET,
      })
      expect(res.status).toBe(200)
    } finally {
      delete process.env.ALLOW_PRIVATE_WEBHOOKS
    }
  })
})

describe('delivering', () => {
  it('does not connect to a private address saved before the check, and says why', async () => {
    const receiver = await startReceiver()
    try {
      const ws = await ctx.newWorkspace()
      const id = await pendingDelivery(ws, receiver.url)
      const d = createWebhookDispatcher({ db: ctx.db, clock: ctx.now, timeoutMs: 1000 })
      expect(await d.deliverDue()).toBe(1)
      expect(receiver.requests).toEqual([])
      const row = await deliveryRow(id)
      expect(row).toMatchObject({ status: 'pending', last_status: null })
      expect(row.last_error).toMatch(/private/)
    } finally {
      await receiver.close()
    }
  })

  it('checks the address a name resolves to at each delivery, and connects to that address', async () => {
    const receiver = await startReceiver()
    try {
      const ws = await ctx.newWorkspace()
      const id = await pendingDelivery(ws, `http://hooks.example.test:${receiver.port}/hooks`)
      // The name now resolves to loopback (DNS changed since the URL was saved).
      const lookup = ((_host: string, options: object, callback: (...args: unknown[]) => void) =>
        (options as { all?: boolean }).all
          ? callback(null, [{ address: '127.0.0.1', family: 4 }])
          : callback(null, '127.0.0.1', 4)) as never
      const refused = createWebhookDispatcher({ db: ctx.db, clock: ctx.now, timeoutMs: 1000, lookup })
      expect(await refused.deliverDue()).toBe(1)
      expect(receiver.requests).toEqual([])
      expect((await deliveryRow(id)).last_error).toMatch(/hooks\.example\.test.*127\.0\.0\.1.*private/)

      await ctx.db
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: ctx.now() })
        .where('id', '=', id)
        .execute()
      const onPremises = createWebhookDispatcher({
        db: ctx.db,
        clock: ctx.now,
        timeoutMs: 1000,
        lookup,
        allowPrivateTargets: true,
      })
      expect(await onPremises.deliverDue()).toBe(1)
      expect(receiver.requests).toEqual([`POST /hooks host=hooks.example.test:${receiver.port}`])
      expect((await deliveryRow(id)).status).toBe('delivered')
    } finally {
      await receiver.close()
    }
  })

  it("keeps the target's status and timing in the log, never what it answered", async () => {
    const receiver = await startReceiver(500)
    try {
      const ws = await ctx.newWorkspace()
      const id = await pendingDelivery(ws, receiver.url)
      const d = createWebhookDispatcher({
        db: ctx.db,
        clock: ctx.now,
        timeoutMs: 1000,
        allowPrivateTargets: true,
      })
      expect(await d.deliverDue()).toBe(1)
      expect(receiver.requests).toHaveLength(1)
      const row = await deliveryRow(id)
      expect(row.last_status).toBe(500)
      expect(row.last_error).toMatch(/^HTTP 500 after \d+ ms$/)
      const log = await ws.call('admin', 'GET', '/webhook-deliveries')
      expect(JSON.stringify(log.body)).not.toMatch(/PostgreSQL|internal/)
    } finally {
      await receiver.close()
    }
  })
})
