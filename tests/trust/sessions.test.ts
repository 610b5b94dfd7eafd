import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { serveWeb } from '../../server/web.ts'
import { createTestContext, PASSWORD, type TestContext } from '../helpers/context.ts'
import { ensureWebBuild } from '../helpers/web-build.ts'
import { errorShapeProblem } from './world.ts'

let ctx: TestContext
let start: Date
beforeAll(async () => {
  ctx = await createTestContext()
  start = ctx.now()
})
afterEach(() => ctx.setNow(start))
afterAll(async () => {
  await ctx?.close()
})

const HOUR = 3600_000

/** Signs in through the API (the test context gives sessions of 24 hours) and returns the token. */
async function signIn(email: string, url = '/api/auth/login') {
  const res = await ctx.app.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  })
  expect(res.status).toBe(200)
  const cookie = res.headers.get('set-cookie') ?? ''
  const token = cookie.match(/^cxw_session=([^;]+)/)?.[1]
  expect(token, cookie).toBeTruthy()
  return { token: token!, cookie }
}
const me = (token: string) => ctx.request({ cookie: token }, 'GET', '/api/me')

async function expectSignedOut(token: string) {
  const res = await me(token)
  expect(res.status).toBe(401)
  expect(errorShapeProblem(res.status, res.headers, res.body)).toBeNull()
  expect(res.body.error.code).toBe('not_signed_in')
}

describe('sessions', () => {
  it('last their lifetime and not a moment longer', async () => {
    const user = await ctx.newUser('clock')
    const { token } = await signIn(user.email)
    expect((await me(token)).status).toBe(200)
    ctx.setNow(new Date(start.getTime() + 24 * HOUR - 1000))
    expect((await me(token)).status).toBe(200)
    ctx.setNow(new Date(start.getTime() + 24 * HOUR))
    await expectSignedOut(token)
    ctx.setNow(new Date(start.getTime() + 30 * 24 * HOUR))
    await expectSignedOut(token)
  })

  it('expire for workspace routes too, answered like no session at all', async () => {
    const ws = await ctx.newWorkspace()
    const { token } = await signIn(ws.members.admin.email)
    expect((await ws.call({ cookie: token }, 'GET', '/segments')).status).toBe(200)
    ctx.setNow(new Date(start.getTime() + 25 * HOUR))
    const expired = await ws.call({ cookie: token }, 'POST', '/segments', { name: 'After expiry' })
    const anonymous = await ws.call('anonymous', 'POST', '/segments', { name: 'After expiry' })
    expect(expired.status).toBe(401)
    expect(expired.body).toEqual(anonymous.body)
    expect(
      (await ctx.db.selectFrom('segments').select('id').where('workspace_id', '=', ws.id).execute()).length,
    ).toBe(0)
  })

  it('end on sign-out, that session only', async () => {
    const user = await ctx.newUser('one-device')
    const first = await signIn(user.email)
    const second = await signIn(user.email)
    const res = await ctx.request({ cookie: first.token }, 'POST', '/api/auth/logout')
    expect(res.status).toBe(204)
    expect(res.headers.get('set-cookie')).toMatch(/^cxw_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i)
    await expectSignedOut(first.token)
    expect((await me(second.token)).status).toBe(200)
  })

  it("all end on sign-out everywhere, and only that user's", async () => {
    const user = await ctx.newUser('many-devices')
    const someoneElse = await ctx.newUser('bystander')
    const devices = [await signIn(user.email), await signIn(user.email), await signIn(user.email)]
    const theirs = await signIn(someoneElse.email)
    const res = await ctx.request({ cookie: devices[1]!.token }, 'POST', '/api/auth/logout-everywhere')
    expect(res.status).toBe(204)
    for (const d of devices) await expectSignedOut(d.token)
    await expectSignedOut(user.cookie)
    expect((await me(theirs.token)).status).toBe(200)
    expect((await me(someoneElse.cookie)).status).toBe(200)
    // A revoked session stays revoked: signing out everywhere again needs a session.
    expect(
      (await ctx.request({ cookie: devices[0]!.token }, 'POST', '/api/auth/logout-everywhere')).status,
    ).toBe(401)
    expect((await me((await signIn(user.email)).token)).status).toBe(200)
  })

  it('are refused for a token that was never issued, without revealing anything', async () => {
    const res = await me('cxs_forged-token')
    expect(res.status).toBe(401)
    expect(res.body).toEqual((await ctx.request({}, 'GET', '/api/me')).body)
  })
})

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Lax, for the whole site, and expires with the session', async () => {
    const user = await ctx.newUser('cookie')
    const { cookie } = await signIn(user.email)
    const attributes = cookie.split(';').map((a) => a.trim().toLowerCase())
    expect(attributes).toContain('httponly')
    expect(attributes).toContain('samesite=lax')
    expect(attributes).toContain('path=/')
    const expires = attributes.find((a) => a.startsWith('expires='))
    expect(new Date(expires!.slice('expires='.length)).getTime()).toBe(start.getTime() + 24 * HOUR)
  })

  it('is not Secure over plain http (local use), and Secure over https', async () => {
    const user = await ctx.newUser('https')
    const plain = await signIn(user.email, 'http://x.test/api/auth/login')
    expect(plain.cookie.split(';').map((a) => a.trim().toLowerCase())).not.toContain('secure')
    const tls = await signIn(user.email, 'https://x.test/api/auth/login')
    expect(tls.cookie.split(';').map((a) => a.trim().toLowerCase())).toContain('secure')
  })

  it('is not set by a failed sign-in', async () => {
    const user = await ctx.newUser('wrong-password')
    const res = await ctx.request({}, 'POST', '/api/auth/login', {
      email: user.email,
      password: 'not the password',
    })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('invalid_credentials')
    expect(res.headers.get('set-cookie')).toBeNull()
  })
})

describe('security headers', () => {
  // The web app's policy is computed from its built page.
  beforeAll(ensureWebBuild, 180_000)
  // The API as the tests build it, and the app as server/main.ts serves it: with the web app.
  const withWeb = () => createApp({ db: ctx.db, clock: ctx.now, sessionTtlHours: 24 }, { serveWeb })
  const API: [string, string][] = [
    ['GET', '/api/health'],
    ['GET', '/api/openapi.json'],
    ['GET', '/api/docs'],
    ['GET', '/api/me'],
    ['GET', '/api/no-such-route'],
    ['POST', '/api/auth/login'],
    ['GET', '/api/workspaces/any/segments'],
    ['POST', '/api/calculators/srm'],
  ]
  const WEB = ['/', '/w/demo/tests/1', '/favicon.svg', '/login']

  const expectHeaders = (where: string, headers: Headers) => {
    expect(headers.get('x-content-type-options'), where).toBe('nosniff')
    expect(headers.get('x-frame-options'), where).toBe('DENY')
  }

  it('nosniff and no framing on every API answer, success or error', async () => {
    for (const [method, path] of API) {
      const res = await ctx.app.request(path, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{' } : {}),
      })
      expectHeaders(`${method} ${path}`, res.headers)
    }
  })

  it("nosniff and no framing on the web app's pages and files", async () => {
    const app = withWeb()
    for (const path of WEB) expectHeaders(path, (await app.request(path)).headers)
  })

  it('a content security policy on the API, the reference page and the web app', async () => {
    const app = withWeb()
    const missing: string[] = []
    for (const [method, path] of API) {
      const res = await app.request(path, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{' } : {}),
      })
      if (!res.headers.get('content-security-policy')) missing.push(`${method} ${path}`)
    }
    for (const path of WEB)
      if (!(await app.request(path)).headers.get('content-security-policy')) missing.push(`GET ${path}`)
    expect(missing, 'answers without a Content-Security-Policy header').toEqual([])
  })

  it('a policy that forbids framing and foreign scripts on the web app', async () => {
    const csp = (await withWeb().request('/')).headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/frame-ancestors 'none'/)
    expect(csp).toMatch(/default-src 'self'/)
    expect(csp).not.toMatch(/script-src[^;]*(\*|https?:)/)
  })
})
