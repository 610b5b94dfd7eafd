import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

describe('members and comments', () => {
  it('invites a new person, who sets their own password, then changes their role, and removes them', async () => {
    const ws = await ctx.newWorkspace()
    const added = await ws.call('admin', 'POST', '/members', {
      email: 'New.Person@Example.test',
      name: 'New Person',
      role: 'marketer',
    })
    expect(added.status).toBe(201)
    expect(added.body).toMatchObject({ email: 'new.person@example.test', role: 'marketer' })
    const token = new URL(added.body.invitation.link).hash.replace('#token=', '')
    const accepted = await ctx.request({}, 'POST', '/api/auth/accept-invitation', {
      token,
      password: 'long enough',
    })
    expect(accepted.status).toBe(200)
    expect(accepted.body.user.name).toBe('New Person')
    const login = await ctx.request({}, 'POST', '/api/auth/login', {
      email: 'new.person@example.test',
      password: 'long enough',
    })
    expect(login.status).toBe(200)
    expect(
      (await ws.call('admin', 'PATCH', `/members/${added.body.userId}`, { role: 'leader' })).status,
    ).toBe(204)
    const list = await ws.call('marketer', 'GET', '/members')
    expect(list.body.items.find((m: { userId: number }) => m.userId === added.body.userId).role).toBe(
      'leader',
    )
    expect((await ws.call('admin', 'DELETE', `/members/${added.body.userId}`)).status).toBe(204)
    expect((await ws.call('admin', 'GET', '/members')).body.items).toHaveLength(4)
  })

  it('adds an existing account by email alone, and refuses a duplicate', async () => {
    const ws = await ctx.newWorkspace()
    const other = await ctx.newWorkspace()
    const res = await ws.call('admin', 'POST', '/members', {
      email: other.members.analyst.email,
      role: 'analyst',
    })
    expect(res.status).toBe(201)
    const again = await ws.call('admin', 'POST', '/members', {
      email: other.members.analyst.email,
      role: 'leader',
    })
    expect(again.status).toBe(409)
  })

  it('invites someone without an account by email alone, refusing a password chosen for them', async () => {
    const ws = await ctx.newWorkspace()
    const res = await ws.call('admin', 'POST', '/members', { email: 'stranger@example.test', role: 'leader' })
    expect(res.status).toBe(201)
    expect(res.body.invitation.link).toMatch(/#token=cxl_/)
    const chosen = await ws.call('admin', 'POST', '/members', {
      email: 'another@example.test',
      password: 'chosen by the admin',
      role: 'leader',
    })
    expect(chosen.status).toBe(400)
  })

  it('keeps at least one admin', async () => {
    const ws = await ctx.newWorkspace()
    const res = await ws.call('admin', 'PATCH', `/members/${ws.members.admin.id}`, { role: 'analyst' })
    expect(res.status).toBe(422)
    expect((await ws.call('admin', 'DELETE', `/members/${ws.members.admin.id}`)).status).toBe(422)
  })

  it('lets every member comment on a test and read the thread', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test()
    expect(
      (
        await ws.call('leader', 'POST', '/comments', {
          subjectType: 'test',
          subjectId: test.id,
          body: 'What about weekends?',
        })
      ).status,
    ).toBe(201)
    expect(
      (
        await ws.call('analyst', 'POST', '/comments', {
          subjectType: 'test',
          subjectId: test.id,
          body: 'Included.',
        })
      ).status,
    ).toBe(201)
    const thread = await ws.call('marketer', 'GET', `/comments?subjectType=test&subjectId=${test.id}`)
    expect(thread.body.items.map((c: { body: string; authorId: number }) => [c.body, c.authorId])).toEqual([
      ['What about weekends?', ws.members.leader.id],
      ['Included.', ws.members.analyst.id],
    ])
    const missing = await ws.call('leader', 'POST', '/comments', {
      subjectType: 'barrier',
      subjectId: 999999,
      body: 'x',
    })
    expect(missing.status).toBe(422)
  })

  it('edits and removes touchpoints and journeys', async () => {
    const ws = await ctx.newWorkspace()
    const stage = await ws.stage()
    const tp = await ws.call('marketer', 'POST', '/touchpoints', {
      stageId: stage.id,
      channel: 'sms',
      description: 'Reminder',
    })
    expect(
      (await ws.call('marketer', 'PATCH', `/touchpoints/${tp.body.id}`, { channel: 'call' })).body,
    ).toMatchObject({ channel: 'call', description: 'Reminder' })
    expect((await ws.call('marketer', 'GET', `/touchpoints?stage=${stage.id}`)).body.items).toHaveLength(1)
    expect((await ws.call('marketer', 'DELETE', `/touchpoints/${tp.body.id}`)).status).toBe(204)
    const journey = await ws.journey()
    expect(
      (await ws.call('marketer', 'PATCH', `/journeys/${journey.id}`, { name: 'Renamed' })).body.name,
    ).toBe('Renamed')
    expect((await ws.call('marketer', 'DELETE', `/journeys/${journey.id}`)).status).toBe(204)
    expect((await ws.call('marketer', 'GET', `/journeys/${journey.id}`)).status).toBe(404)
  })
})
