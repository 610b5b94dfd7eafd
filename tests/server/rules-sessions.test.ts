import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, PASSWORD, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import { bind, CATALOG, pathOf, type Bound, type CallPlan, type Entry } from '../trust/catalog.ts'
import { changeWatcher, expectErrorShape, loadOperations } from '../trust/world.ts'

// A session ends when its person signs out, everywhere when they sign out everywhere, and at the
// moment it expires: after that it opens no workspace route, read or write, and is answered as no
// session at all. Up to its last moment it opens every one. The routes come from the route catalog,
// checked against the OpenAPI document.

const HOUR = 3600_000

let ctx: TestContext
let ws: WorkspaceFixture
let objects: Bound
let watcher: Awaited<ReturnType<typeof changeWatcher>>
let start: Date
/** Sessions of admins of the workspace, each ended one way. */
const ended: Record<string, string> = {}
/** A session signed in at `start`, so it expires 24 hours later, before the fixture's own sessions. */
let expiring: string
let expiresAt: Date

async function admin(name: string) {
  const user = await ctx.newUser(name)
  await ctx.db
    .insertInto('memberships')
    .values({ workspace_id: ws.id, user_id: user.id, role: 'admin' })
    .execute()
  return user
}
async function signIn(email: string) {
  const res = await ctx.request({}, 'POST', '/api/auth/login', { email, password: PASSWORD })
  expect(res.status).toBe(200)
  return res.headers.get('set-cookie')!.match(/^cxw_session=([^;]+)/)![1]!
}

beforeAll(async () => {
  ctx = await createTestContext()
  start = ctx.now()
  // The fixture's sessions last a day from the workspace's making: an hour past `expiring`'s end.
  ctx.setNow(new Date(start.getTime() + HOUR))
  ws = await ctx.newWorkspace()
  ctx.setNow(start)
  objects = bind(ctx, ws)
  watcher = await changeWatcher(ctx.db)

  const leaving = await admin('signs-out')
  ended.signedOut = await signIn(leaving.email)
  expect((await ws.call({ cookie: ended.signedOut }, 'GET', '/segments')).status).toBe(200)
  expect((await ctx.request({ cookie: ended.signedOut }, 'POST', '/api/auth/logout')).status).toBe(204)

  const everywhere = await admin('signs-out-everywhere')
  ended.signedOutEverywhere = await signIn(everywhere.email)
  ended.otherDevice = await signIn(everywhere.email)
  expect((await ws.call({ cookie: ended.otherDevice }, 'GET', '/segments')).status).toBe(200)
  const res = await ctx.request({ cookie: ended.signedOutEverywhere }, 'POST', '/api/auth/logout-everywhere')
  expect(res.status).toBe(204)

  const lasting = await admin('until-expiry')
  expiring = await signIn(lasting.email)
  expiresAt = new Date(start.getTime() + 24 * HOUR)
})
afterEach(() => ctx.setNow(start))
afterAll(async () => {
  await ctx?.close()
})

const WORKSPACE_ROUTES = CATALOG.filter((e) => e.path.startsWith('/api/workspaces/{workspace}'))

const send = (cookie: string | undefined, entry: Entry, plan: CallPlan) =>
  ctx.request(
    cookie ? { cookie } : {},
    entry.method,
    pathOf(entry, ws.slug, plan),
    plan.body,
    plan.contentType ? { 'content-type': plan.contentType } : {},
  )

describe('the workspace routes', () => {
  it('are every workspace operation of the OpenAPI document', async () => {
    const { operations } = await loadOperations(ctx)
    const documented = operations
      .filter((op) => op.path.startsWith('/api/workspaces/{workspace}'))
      .map((op) => `${op.method} ${op.path}`)
      .sort()
    expect(WORKSPACE_ROUTES.map((e) => `${e.method} ${e.path}`).sort()).toEqual(documented)
    expect(documented.length).toBeGreaterThan(60)
  })
})

describe('a session that ended', () => {
  for (const entry of WORKSPACE_ROUTES) {
    it(`${entry.method} ${entry.path}: refused after sign-out and sign-out everywhere, like no session`, async () => {
      const plan = await entry.setup(objects, false)
      const anonymous = await send(undefined, entry, plan)
      expect(anonymous.status).toBe(401)
      const mark = await watcher.mark()
      for (const [how, cookie] of Object.entries(ended)) {
        const res = await send(cookie, entry, plan)
        expect(res.status, `${how}: ${JSON.stringify(res.body)?.slice(0, 200)}`).toBe(401)
        expectErrorShape(res)
        expect(res.body, how).toEqual(anonymous.body)
      }
      expect(await watcher.since(mark), 'an ended session changed data').toEqual([])
    })
  }

  it('ends only the sessions signed out: a new sign-in of the same person works', async () => {
    const leaving = await admin('signs-in-again')
    const first = await signIn(leaving.email)
    const second = await signIn(leaving.email)
    expect((await ctx.request({ cookie: first }, 'POST', '/api/auth/logout')).status).toBe(204)
    expect((await ws.call({ cookie: first }, 'GET', '/segments')).status).toBe(401)
    expect((await ws.call({ cookie: second }, 'GET', '/segments')).status).toBe(200)
    expect((await ws.call('admin', 'GET', '/segments')).status).toBe(200)
  })
})

describe('a session at its expiry', () => {
  for (const entry of WORKSPACE_ROUTES) {
    it(`${entry.method} ${entry.path}: opens it up to the last moment, and not at the moment of expiry`, async () => {
      ctx.setNow(new Date(expiresAt.getTime() - 1))
      const before = await entry.setup(objects, true)
      const last = await send(expiring, entry, before)
      expect(last.status, JSON.stringify(last.body)?.slice(0, 200)).toBe(entry.success)
      const after = await entry.setup(objects, true)
      ctx.setNow(expiresAt)
      const mark = await watcher.mark()
      const res = await send(expiring, entry, after)
      expect(res.status, JSON.stringify(res.body)?.slice(0, 200)).toBe(401)
      expectErrorShape(res)
      expect(res.body.error.code).toBe('not_signed_in')
      expect(await watcher.since(mark), 'an expired session changed data').toEqual([])
    })
  }
})
