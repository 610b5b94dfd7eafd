import { createHash, randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestContext, PASSWORD, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
let start: Date
beforeAll(async () => {
  ctx = await createTestContext()
  start = ctx.now()
})
afterEach(() => {
  ctx.setNow(start)
  vi.restoreAllMocks()
})
afterAll(async () => {
  await ctx?.close()
})

const newEmail = (name = 'person') => `${name}-${randomBytes(4).toString('hex')}@example.test`
const login = (email: string, password: string) =>
  ctx.request({}, 'POST', '/api/auth/login', { email, password })
const cookieOf = (headers: Headers) => headers.get('set-cookie')?.match(/cxw_session=([^;]+)/)?.[1]
const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, '')
const auditActions = async (workspaceId: number) =>
  (
    await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .execute()
  ).map((r) => r.action)

describe('an invitation', () => {
  it('never lets the inviting admin choose the password that later opens another workspace', async () => {
    const a = await ctx.newWorkspace()
    const b = await ctx.newWorkspace()
    const email = newEmail('target')
    const byA = await a.call('admin', 'POST', '/members', {
      email,
      name: 'Target',
      password: 'known to admin A',
      role: 'marketer',
    })
    await b.call('admin', 'POST', '/members', {
      email,
      name: 'Target',
      password: 'chosen by admin B',
      role: 'analyst',
    })
    // The password admin A chose must not open the account, nor workspace B through it.
    const signIn = await login(email, 'known to admin A')
    expect(signIn.status).toBe(401)
    expect(byA.status).toBe(400)
    expect(JSON.stringify(byA.body.error.details)).toMatch(/password/)
  })

  it('answers alike whether the email has an account or not, naming no one', async () => {
    const ws = await ctx.newWorkspace()
    const elsewhere = await ctx.newWorkspace()
    await ctx.db
      .updateTable('users')
      .set({ name: 'Secret Real Name' })
      .where('id', '=', elsewhere.members.leader.id)
      .execute()
    const existing = await ws.call('admin', 'POST', '/members', {
      email: elsewhere.members.leader.email,
      role: 'leader',
    })
    const fresh = await ws.call('admin', 'POST', '/members', { email: newEmail('fresh'), role: 'leader' })
    expect([existing.status, fresh.status]).toEqual([201, 201])
    const shape = (body: object) => JSON.stringify(Object.keys(body).sort())
    expect(shape(existing.body)).toBe(shape(fresh.body))
    expect(shape(existing.body.invitation)).toBe(shape(fresh.body.invitation))
    expect(existing.body).not.toHaveProperty('name')
    expect(JSON.stringify(existing.body)).not.toContain('Secret Real Name')
    expect(existing.body.invitation.link).toMatch(/^http:\/\/localhost\/invitation#token=cxl_/)
  })

  it('refuses nobody for lack of a name or password, and refuses an existing member with 409', async () => {
    const ws = await ctx.newWorkspace()
    const res = await ws.call('admin', 'POST', '/members', { email: newEmail(), role: 'leader' })
    expect(res.status).toBe(201)
    const again = await ws.call('admin', 'POST', '/members', { email: res.body.email, role: 'analyst' })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('duplicate')
  })

  it('gives a new person a one-time link, stored hashed, that sets their own password and signs them in', async () => {
    const ws = await ctx.newWorkspace()
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const email = newEmail('newcomer')
    const invited = await ws.call('admin', 'POST', '/members', { email, role: 'analyst' })
    expect(invited.status).toBe(201)
    const link: string = invited.body.invitation.link
    expect(log.mock.calls.flat().join(' ')).toContain(link)
    const token = tokenOf(link)
    const stored = await ctx.db
      .selectFrom('account_links')
      .selectAll()
      .where('user_id', '=', invited.body.userId)
      .execute()
    expect(stored).toHaveLength(1)
    expect(stored[0]!.token_hash).toBe(createHash('sha256').update(token).digest('hex'))
    expect(JSON.stringify(stored)).not.toContain(token)
    // Before the link is used, no password opens the account.
    for (const guess of ['', 'password', PASSWORD])
      expect((await login(email, guess || 'x')).status).toBe(401)

    const accepted = await ctx.request({}, 'POST', '/api/auth/accept-invitation', {
      token,
      password: 'my own secret words',
      name: 'New Comer',
    })
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200)
    expect(accepted.body.user).toMatchObject({ email, name: 'New Comer' })
    const me = await ctx.request({ cookie: cookieOf(accepted.headers)! }, 'GET', '/api/me')
    expect(me.body.workspaces).toEqual([expect.objectContaining({ slug: ws.slug, role: 'analyst' })])
    expect((await login(email, 'my own secret words')).status).toBe(200)

    const reused = await ctx.request({}, 'POST', '/api/auth/accept-invitation', {
      token,
      password: 'someone elses words',
    })
    expect(reused.status).toBe(400)
    expect(reused.body.error.details[0].path).toBe('body.token')
    expect((await login(email, 'someone elses words')).status).toBe(401)
    expect(await auditActions(ws.id)).toEqual(['member.invited', 'member.invitation_accepted'])
  })

  it('refuses an expired link', async () => {
    const ws = await ctx.newWorkspace()
    const invited = await ws.call('admin', 'POST', '/members', { email: newEmail(), role: 'analyst' })
    const expiresAt = new Date(invited.body.invitation.expiresAt)
    expect(expiresAt.getTime() - ctx.now().getTime()).toBe(7 * 24 * 3600_000)
    ctx.setNow(new Date(expiresAt.getTime() + 1000))
    const late = await ctx.request({}, 'POST', '/api/auth/accept-invitation', {
      token: tokenOf(invited.body.invitation.link),
      password: 'my own secret words',
    })
    expect(late.status).toBe(400)
    expect(late.body.error.code).toBe('invalid_input')
  })

  it('adds an existing account without any way to set its password: its link asks for its own', async () => {
    const ws = await ctx.newWorkspace()
    const other = await ctx.newWorkspace()
    const person = other.members.marketer
    const invited = await ws.call('admin', 'POST', '/members', { email: person.email, role: 'marketer' })
    expect(invited.status).toBe(201)
    expect((await ws.call('marketer', 'GET', '/members')).body.items.map((m: any) => m.userId)).toContain(
      person.id,
    )
    const token = tokenOf(invited.body.invitation.link)
    const takeover = await ctx.request({}, 'POST', '/api/auth/accept-invitation', {
      token,
      password: 'chosen by the admin',
    })
    expect(takeover.status).toBe(401)
    expect((await login(person.email, 'chosen by the admin')).status).toBe(401)
    expect((await login(person.email, PASSWORD)).status).toBe(200)
    const own = await ctx.request({}, 'POST', '/api/auth/accept-invitation', { token, password: PASSWORD })
    expect(own.status).toBe(200)
  })

  it('is issued by admins only', async () => {
    const ws = await ctx.newWorkspace()
    for (const role of ['marketer', 'analyst', 'leader'] as const)
      expect((await ws.call(role, 'POST', '/members', { email: newEmail(), role: 'admin' })).status).toBe(403)
  })
})

describe('changing one’s own password', () => {
  it('needs the current password, and signs out the other sessions', async () => {
    const ws = await ctx.newWorkspace()
    const user = ws.members.analyst
    const other = cookieOf((await login(user.email, PASSWORD)).headers)!
    const wrong = await ctx.request({ cookie: user.cookie }, 'POST', '/api/auth/password', {
      currentPassword: 'not it',
      newPassword: 'a brand new passphrase',
    })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.details[0].path).toBe('body.currentPassword')
    expect((await login(user.email, PASSWORD)).status).toBe(200)

    const changed = await ctx.request({ cookie: user.cookie }, 'POST', '/api/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
    })
    expect(changed.status).toBe(204)
    expect((await ctx.request({ cookie: user.cookie }, 'GET', '/api/me')).status).toBe(200)
    expect((await ctx.request({ cookie: other }, 'GET', '/api/me')).status).toBe(401)
    expect((await login(user.email, PASSWORD)).status).toBe(401)
    expect((await login(user.email, 'a brand new passphrase')).status).toBe(200)
    expect(await auditActions(ws.id)).toContain('member.password_changed')
  })

  it('needs a session', async () => {
    const res = await ctx.request({}, 'POST', '/api/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
    })
    expect(res.status).toBe(401)
  })
})

describe('a reset link from an admin', () => {
  it('is one-time, sets the password the member chooses, and signs out every session', async () => {
    const ws = await ctx.newWorkspace()
    const member = ws.members.leader
    const issued = await ws.call('admin', 'POST', `/members/${member.id}/password-reset`)
    expect(issued.status).toBe(201)
    expect(Object.keys(issued.body).sort()).toEqual(['expiresAt', 'link'])
    const token = new URL(issued.body.link).hash.replace(/^#token=/, '')
    expect(issued.body.link).toMatch(/^http:\/\/localhost\/reset-password#token=cxl_/)
    const reset = await ctx.request({}, 'POST', '/api/auth/reset-password', {
      token,
      password: 'chosen by the member',
    })
    expect(reset.status).toBe(200)
    expect((await ctx.request({ cookie: member.cookie }, 'GET', '/api/me')).status).toBe(401)
    expect((await ctx.request({ cookie: cookieOf(reset.headers)! }, 'GET', '/api/me')).status).toBe(200)
    expect((await login(member.email, 'chosen by the member')).status).toBe(200)
    const again = await ctx.request({}, 'POST', '/api/auth/reset-password', {
      token,
      password: 'another one!',
    })
    expect(again.status).toBe(400)
    expect(await auditActions(ws.id)).toEqual(['member.password_reset_issued', 'member.password_reset'])
  })

  it('is refused for someone outside the workspace, and for a member of a workspace the admin does not run', async () => {
    const ws = await ctx.newWorkspace()
    const other = await ctx.newWorkspace()
    const outside = await ws.call('admin', 'POST', `/members/${other.members.analyst.id}/password-reset`)
    expect(outside.status).toBe(404)
    // Shared with another workspace: a link from this admin would open that one too.
    await ctx.db
      .insertInto('memberships')
      .values({ workspace_id: ws.id, user_id: other.members.analyst.id, role: 'analyst' })
      .execute()
    const shared = await ws.call('admin', 'POST', `/members/${other.members.analyst.id}/password-reset`)
    expect(shared.status).toBe(422)
    expect(
      await ctx.db
        .selectFrom('account_links')
        .select('id')
        .where('user_id', '=', other.members.analyst.id)
        .execute(),
    ).toEqual([])
    for (const role of ['marketer', 'analyst', 'leader'] as const)
      expect((await ws.call(role, 'POST', `/members/${ws.members.marketer.id}/password-reset`)).status).toBe(
        403,
      )
  })
})
