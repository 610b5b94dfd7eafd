import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { readConfig } from '../../server/config.ts'
import { createTestContext, PASSWORD, type TestContext } from '../helpers/context.ts'
import { httpFrom, serveApp, tally } from './helpers.ts'

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

const later = (ms: number) => ctx.setNow(new Date(ctx.now().getTime() + ms))
const login = (email: string, password: string, app: { request: typeof ctx.app.request } = ctx.app) =>
  app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })

describe('guessing in parallel', () => {
  it('checks at most 10 of 60 parallel wrong passwords for one account; the rest wait', async () => {
    const user = await ctx.newUser('parallel')
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => login(user.email, `wrong-${i}`)))
    const counts = tally(replies.map((r) => r.status))
    expect(counts[401] ?? 0, JSON.stringify(counts)).toBeLessThanOrEqual(10)
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(60)
    const waiting = replies.find((r) => r.status === 429)!
    expect(Number(waiting.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('holds the limit across two API processes on one database', async () => {
    const user = await ctx.newUser('two-processes')
    const apps = [0, 1].map(() => createApp({ db: ctx.db, clock: ctx.now, sessionTtlHours: 24 }))
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(user.email, `wrong-${i}`, apps[i % 2]!)),
    )
    const counts = tally(replies.map((r) => r.status))
    expect(counts[401] ?? 0, JSON.stringify(counts)).toBeLessThanOrEqual(10)
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(40)
  })
})

describe('slowing down, not locking out', () => {
  it('makes one account at one address wait longer after each failure past ten, and lets the right password in after the wait', async () => {
    const user = await ctx.newUser('slowed')
    for (let i = 0; i < 10; i++) expect((await login(user.email, 'wrong')).status).toBe(401)
    const waits: number[] = []
    for (let i = 0; i < 4; i++) {
      const refused = await login(user.email, PASSWORD)
      expect(refused.status).toBe(429)
      const wait = Number(refused.headers.get('retry-after'))
      waits.push(wait)
      later(wait * 1000)
      expect((await login(user.email, 'wrong again')).status).toBe(401)
    }
    expect(waits).toEqual([30, 60, 120, 240])
    const last = await login(user.email, PASSWORD)
    expect(last.status).toBe(429)
    later(Number(last.headers.get('retry-after')) * 1000)
    expect((await login(user.email, PASSWORD)).status).toBe(200)
    // A success clears the count: ten more tries before any wait.
    for (let i = 0; i < 10; i++) expect((await login(user.email, 'wrong')).status).toBe(401)
  })

  it('lets the right password in from another address after ten wrong ones from one address', async () => {
    const user = await ctx.newUser('victim')
    const served = await serveApp(ctx.app)
    try {
      const from = (address: string, password: string) =>
        httpFrom(address, `${served.url}/api/auth/login`, 'POST', { email: user.email, password })
      for (let i = 0; i < 10; i++) expect((await from('127.0.0.2', 'guess')).status).toBe(401)
      expect((await from('127.0.0.2', 'guess')).status).toBe(429)
      expect((await from('127.0.0.3', PASSWORD)).status).toBe(200)
    } finally {
      await served.close()
    }
  })

  it('counts the addresses behind a proxy named by TRUST_PROXY apart', async () => {
    const user = await ctx.newUser('behind-proxy')
    const app = createApp({ db: ctx.db, clock: ctx.now, sessionTtlHours: 24, trustProxy: '127.0.0.1' })
    const served = await serveApp(app)
    try {
      const via = (client: string, password: string) =>
        httpFrom(
          '127.0.0.1',
          `${served.url}/api/auth/login`,
          'POST',
          { email: user.email, password },
          { 'x-forwarded-for': client },
        )
      for (let i = 0; i < 10; i++) expect((await via('203.0.113.7', 'guess')).status).toBe(401)
      expect((await via('203.0.113.7', 'guess')).status).toBe(429)
      expect((await via('198.51.100.20', PASSWORD)).status).toBe(200)
    } finally {
      await served.close()
    }
  })

  it('ignores X-Forwarded-For from a peer that is not the trusted proxy', async () => {
    const user = await ctx.newUser('spoofer')
    const app = createApp({ db: ctx.db, clock: ctx.now, sessionTtlHours: 24, trustProxy: '10.0.0.1' })
    const served = await serveApp(app)
    try {
      const statuses = []
      for (let i = 0; i < 12; i++) {
        const res = await httpFrom(
          '127.0.0.4',
          `${served.url}/api/auth/login`,
          'POST',
          { email: user.email, password: 'guess' },
          { 'x-forwarded-for': `203.0.113.${i}` },
        )
        statuses.push(res.status)
      }
      expect(statuses.slice(10)).toEqual([429, 429])
    } finally {
      await served.close()
    }
  })
})

describe('the session cookie behind a proxy', () => {
  const cookieAttributes = (headers: Record<string, string | string[] | undefined>) =>
    String(headers['set-cookie'] ?? '')
      .split(';')
      .map((a) => a.trim().toLowerCase())

  it('is Secure when the trusted proxy says the client came over https, and not on its word otherwise', async () => {
    const user = await ctx.newUser('tls-proxy')
    const trusted = await serveApp(
      createApp({ db: ctx.db, clock: ctx.now, sessionTtlHours: 24, trustProxy: '127.0.0.1' }),
    )
    const untrusted = await serveApp(createApp({ db: ctx.db, clock: ctx.now, sessionTtlHours: 24 }))
    try {
      const body = { email: user.email, password: PASSWORD }
      const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' }
      const behind = await httpFrom('127.0.0.1', `${trusted.url}/api/auth/login`, 'POST', body, headers)
      expect(behind.status).toBe(200)
      expect(cookieAttributes(behind.headers)).toContain('secure')
      const plain = await httpFrom('127.0.0.1', `${trusted.url}/api/auth/login`, 'POST', body, {
        'x-forwarded-proto': 'http',
      })
      expect(cookieAttributes(plain.headers)).not.toContain('secure')
      const spoofed = await httpFrom('127.0.0.1', `${untrusted.url}/api/auth/login`, 'POST', body, headers)
      expect(spoofed.status).toBe(200)
      expect(cookieAttributes(spoofed.headers)).not.toContain('secure')
    } finally {
      await trusted.close()
      await untrusted.close()
    }
  })
})

describe('the counters', () => {
  it('live in PostgreSQL, and rows an hour old are cleared', async () => {
    const user = await ctx.newUser('cleanup')
    expect((await login(user.email, 'wrong')).status).toBe(401)
    const rows = async () =>
      (
        await sql<{
          n: number
        }>`select count(*)::int as n from sign_in_attempts where key like ${`%${user.email}%`}`.execute(
          ctx.db,
        )
      ).rows[0]!.n
    expect(await rows()).toBeGreaterThan(0)
    later(2 * 3600_000)
    const other = await ctx.newUser('cleanup-trigger')
    expect((await login(other.email, 'wrong')).status).toBe(401)
    expect(await rows()).toBe(0)
  })
})

describe('the TRUST_PROXY and ALLOW_PRIVATE_WEBHOOKS settings', () => {
  it('are read and checked at start, naming the variable when wrong', () => {
    const config = readConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1', ALLOW_PRIVATE_WEBHOOKS: '1' })
    expect(config).toMatchObject({ trustProxy: '127.0.0.1, 10.0.0.0/8,::1', allowPrivateWebhooks: true })
    expect(readConfig({})).toMatchObject({ trustProxy: '', allowPrivateWebhooks: false })
    expect(() => readConfig({ TRUST_PROXY: 'proxy.internal' })).toThrow(/TRUST_PROXY/)
    expect(() => readConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/)
    expect(() => readConfig({ ALLOW_PRIVATE_WEBHOOKS: 'yes' })).toThrow(/ALLOW_PRIVATE_WEBHOOKS/)
  })
})
