import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'

let ctx: TestContext
let ws: WorkspaceFixture
beforeAll(async () => {
  ctx = await createTestContext()
  ws = await ctx.newWorkspace()
})
afterAll(async () => {
  await ctx?.close()
})

describe('caching', () => {
  it('marks every API reply no-store: successes, errors, exports and unknown routes', async () => {
    const test = await ws.test()
    const cookie = `cxw_session=${ws.members.admin.cookie}`
    const requests: [string, string, RequestInit?][] = [
      ['GET', '/api/health'],
      ['GET', '/api/openapi.json'],
      ['GET', '/api/me', { headers: { cookie } }],
      ['GET', '/api/me'],
      ['GET', `/api/workspaces/${ws.slug}/segments`, { headers: { cookie } }],
      ['GET', `/api/workspaces/${ws.slug}/tests/${test.id}/assignments?format=csv`, { headers: { cookie } }],
      ['POST', '/api/auth/login', { headers: { 'content-type': 'application/json' }, body: '{' }],
      ['GET', '/api/no-such-route'],
    ]
    const missing: string[] = []
    for (const [method, path, init] of requests) {
      const res = await ctx.app.request(path, { method, ...init })
      await res.arrayBuffer()
      if (res.headers.get('cache-control') !== 'no-store') missing.push(`${method} ${path} → ${res.status}`)
    }
    expect(missing).toEqual([])
  })
})

describe('ids in paths', () => {
  it('are digits only: 1e0, 0x2, a leading space, a sign or a fraction are refused with 400', async () => {
    const segment = await ws.segment()
    const id: number = segment.id
    expect((await ws.call('marketer', 'GET', `/segments/${id}`)).status).toBe(200)
    const spellings = [
      `${id}e0`,
      `0x${id.toString(16)}`,
      `%20${id}`,
      `+${id}`,
      `${id}.0`,
      `${id}%20`,
      `${id * 10}e-1`,
    ]
    for (const spelling of spellings) {
      const res = await ws.call('marketer', 'GET', `/segments/${spelling}`)
      expect(res.status, spelling).toBe(400)
      expect(res.body.error.details[0].path, spelling).toBe('param.id')
    }
    const member = await ws.call('admin', 'PATCH', `/members/${ws.members.leader.id}e0`, { role: 'leader' })
    expect(member.status).toBe(400)
  })
})

describe('the comments list', () => {
  it('pages with limit and cursor, oldest first', async () => {
    const test = await ws.test()
    const bodies = ['one', 'two', 'three', 'four', 'five']
    for (const body of bodies)
      expect(
        (await ws.call('leader', 'POST', '/comments', { subjectType: 'test', subjectId: test.id, body }))
          .status,
      ).toBe(201)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: { status: number; body: { items: { body: string }[]; nextCursor: string | null } } =
        await ws.call(
          'marketer',
          'GET',
          `/comments?subjectType=test&subjectId=${test.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        )
      expect(page.status).toBe(200)
      expect(page.body.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.body.items.map((c) => c.body))
      cursor = page.body.nextCursor
      pages++
    } while (cursor && pages < 10)
    expect(seen).toEqual(bodies)
    expect(pages).toBe(3)
  })
})
