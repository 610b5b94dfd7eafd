import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, PASSWORD, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

const cookieOf = (headers: Headers) => headers.get('set-cookie')?.match(/cxw_session=([^;]+)/)?.[1]

describe('signing in and out', () => {
  it('signs in with email and password and sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const ws = await ctx.newWorkspace()
    const res = await ctx.request({}, 'POST', '/api/auth/login', {
      email: ws.members.analyst.email.toUpperCase(),
      password: PASSWORD,
    })
    expect(res.status).toBe(200)
    expect(res.body.user.email).toBe(ws.members.analyst.email)
    const setCookie = res.headers.get('set-cookie')!
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Lax/)
    expect(setCookie).not.toMatch(/Secure/)
    const me = await ctx.request({ cookie: cookieOf(res.headers)! }, 'GET', '/api/me')
    expect(me.body).toEqual({
      user: { id: ws.members.analyst.id, email: ws.members.analyst.email, name: 'analyst' },
      workspaces: [
        { slug: ws.slug, name: `Workspace ${ws.slug}`, locale: 'en', currency: 'USD', role: 'analyst' },
      ],
    })
  })

  it('answers a wrong password and an unknown email alike', async () => {
    const ws = await ctx.newWorkspace()
    const wrong = await ctx.request({}, 'POST', '/api/auth/login', {
      email: ws.members.admin.email,
      password: 'nope',
    })
    const unknown = await ctx.request({}, 'POST', '/api/auth/login', {
      email: 'nobody@example.test',
      password: 'nope',
    })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(wrong.body.error.code).toBe('invalid_credentials')
  })

  it('signs out: the session no longer works', async () => {
    const user = await ctx.newUser()
    expect((await ctx.request({ cookie: user.cookie }, 'GET', '/api/me')).status).toBe(200)
    expect((await ctx.request({ cookie: user.cookie }, 'POST', '/api/auth/logout')).status).toBe(204)
    const after = await ctx.request({ cookie: user.cookie }, 'GET', '/api/me')
    expect(after.status).toBe(401)
    expect(after.body.error.code).toBe('not_signed_in')
  })

  it('signs out everywhere: every session of the user ends', async () => {
    const user = await ctx.newUser()
    const login = await ctx.request({}, 'POST', '/api/auth/login', { email: user.email, password: PASSWORD })
    const second = cookieOf(login.headers)!
    expect((await ctx.request({ cookie: user.cookie }, 'POST', '/api/auth/logout-everywhere')).status).toBe(
      204,
    )
    expect((await ctx.request({ cookie: second }, 'GET', '/api/me')).status).toBe(401)
  })

  it('refuses an expired session', async () => {
    const user = await ctx.newUser()
    const start = ctx.now()
    try {
      ctx.setNow(new Date(start.getTime() + 25 * 3600_000))
      expect((await ctx.request({ cookie: user.cookie }, 'GET', '/api/me')).status).toBe(401)
    } finally {
      ctx.setNow(start)
    }
  })

  it('stores passwords as scrypt hashes, never in the clear', async () => {
    const user = await ctx.newUser()
    const row = await ctx.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(row.password_hash).not.toContain(PASSWORD)
  })
})

describe('API keys', () => {
  it('are shown once, stored hashed, limited to ingestion, revocable, with last use recorded', async () => {
    const ws = await ctx.newWorkspace()
    const created = await ws.call('admin', 'POST', '/api-keys', { name: 'CRM' })
    expect(created.status).toBe(201)
    const key: string = created.body.key
    expect(key).toMatch(/^cxk_/)
    const stored = await ctx.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow()
    expect(stored.key_hash).not.toContain(key)
    expect(JSON.stringify((await ws.call('admin', 'GET', '/api-keys')).body)).not.toContain(key)

    const read = await ws.call({ bearer: key }, 'GET', '/segments')
    expect(read.status).toBe(403)
    expect(read.body.error.message).toMatch(/API keys may only assign customers and send deals/)
    const listed = await ws.call('admin', 'GET', '/api-keys')
    expect(listed.body.items[0].lastUsedAt).not.toBeNull()

    const other = await ctx.newWorkspace()
    expect((await other.call({ bearer: key }, 'GET', '/segments')).status).toBe(404)

    expect((await ws.call('admin', 'DELETE', `/api-keys/${created.body.id}`)).status).toBe(204)
    expect((await ws.call({ bearer: key }, 'GET', '/segments')).status).toBe(401)
  })
})

describe('defences of the sign-in and of the session cookie', () => {
  it('limits failed sign-ins per account, with the same answer whether the account exists, and says when to retry', async () => {
    const ws = await ctx.newWorkspace()
    const attempt = (email: string, password = 'wrong') =>
      ctx.request({}, 'POST', '/api/auth/login', { email, password })
    for (let i = 0; i < 10; i++) expect((await attempt(ws.members.leader.email)).status).toBe(401)
    const blocked = await attempt(ws.members.leader.email, PASSWORD)
    expect(blocked.status).toBe(429)
    expect(blocked.body.error.code).toBe('too_many_attempts')
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    for (let i = 0; i < 10; i++) await attempt('nobody-at-all@example.test')
    expect((await attempt('nobody-at-all@example.test')).body).toEqual({ ...blocked.body })
    const start = ctx.now()
    try {
      ctx.setNow(new Date(start.getTime() + 16 * 60_000))
      expect((await attempt(ws.members.leader.email, PASSWORD)).status).toBe(200)
    } finally {
      ctx.setNow(start)
    }
  })

  it('refuses a cookie-authenticated change from another site, and allows it from this one', async () => {
    const ws = await ctx.newWorkspace()
    const post = (headers: Record<string, string>) =>
      ctx.request(
        { cookie: ws.members.marketer.cookie },
        'POST',
        `/api/workspaces/${ws.slug}/segments`,
        { name: 'S' },
        headers,
      )
    const evil = await post({ origin: 'https://evil.example' })
    expect(evil.status).toBe(403)
    expect(evil.body.error.message).toMatch(/Cross-site/)
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await post({ origin: 'http://localhost' })).status).toBe(201)
    expect((await post({})).status).toBe(201)
    const key = (await ws.call('admin', 'POST', '/api-keys', { name: 'CRM' })).body.key
    const test = await ws.test()
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    const withKey = await ctx.request(
      { bearer: key },
      'POST',
      `/api/workspaces/${ws.slug}/tests/${test.id}/assignments`,
      { customerKey: 'A' },
      { origin: 'https://crm.example' },
    )
    expect(withKey.status).toBe(200)
  })
})
