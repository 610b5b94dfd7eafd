import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

const URL_WITH_TOKEN = 'https://crm.example.com/hooks/cxw?token=s3cr3t-in-the-url'

describe('the audit log as read by members', () => {
  it('hides the admin-only webhook URL from every role but admin', async () => {
    const ws = await ctx.newWorkspace()
    const patched = await ws.call('admin', 'PATCH', '/settings', {
      webhookUrl: URL_WITH_TOKEN,
      webhookSecret: 'a-long-enough-webhook-secret',
    })
    expect(patched.status).toBe(200)
    for (const role of ['marketer', 'analyst', 'leader'] as const) {
      const audit = await ws.call(role, 'GET', '/audit?subjectType=workspace')
      expect(audit.status).toBe(200)
      const [entry] = audit.body.items
      expect(entry.action).toBe('workspace.settings_changed')
      expect(JSON.stringify(audit.body), role).not.toContain('crm.example.com')
      expect(entry.after.webhookUrl).toBe('[redacted]')
      expect(entry.after.name).toBe(`Workspace ${ws.slug}`)
    }
    const asAdmin = await ws.call('admin', 'GET', '/audit?subjectType=workspace')
    expect(asAdmin.body.items[0].after.webhookUrl).toBe(URL_WITH_TOKEN)
  })

  it('hides API key prefixes from every role but admin', async () => {
    const ws = await ctx.newWorkspace()
    const key = await ws.call('admin', 'POST', '/api-keys', { name: 'CRM' })
    const audit = await ws.call('leader', 'GET', '/audit?subjectType=api_key')
    expect(audit.body.items[0].after).toEqual({ name: 'CRM', prefix: '[redacted]' })
    expect(JSON.stringify(audit.body)).not.toContain(key.body.prefix)
  })
})
