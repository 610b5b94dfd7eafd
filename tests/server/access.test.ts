import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestContext,
  type Caller,
  type TestContext,
  type WorkspaceFixture,
} from '../helpers/context.ts'

let ctx: TestContext
let ws: WorkspaceFixture
let outsider: { cookie: string }
let key: { bearer: string }
let revokedKey: { bearer: string }
let ids: Record<string, number>

beforeAll(async () => {
  ctx = await createTestContext()
  ws = await ctx.newWorkspace()
  const other = await ctx.newWorkspace()
  outsider = { cookie: other.members.admin.cookie }
  key = { bearer: (await ws.call('admin', 'POST', '/api-keys', { name: 'CRM' })).body.key }
  const revoked = await ws.call('admin', 'POST', '/api-keys', { name: 'old' })
  await ws.call('admin', 'DELETE', `/api-keys/${revoked.body.id}`)
  revokedKey = { bearer: revoked.body.key }
  const test = await ws.test()
  const stage = (await ws.call('admin', 'GET', `/hypotheses/${test.hypothesisId}`)).body.links.stage
  ids = { test: test.id, hypothesis: test.hypothesisId, stage, barrier: test.links.barrier }
})
afterAll(async () => {
  await ctx?.close()
})

type Expect = Partial<
  Record<
    'anonymous' | 'marketer' | 'analyst' | 'leader' | 'admin' | 'outsider' | 'key' | 'revokedKey',
    number
  >
>
const all = (status: number): Expect => ({ marketer: status, analyst: status, leader: status, admin: status })
const READ: Expect = { anonymous: 401, ...all(200), outsider: 404, key: 403, revokedKey: 401 }
const PIPELINE_WRITE = (ok: number): Expect => ({
  anonymous: 401,
  marketer: ok,
  analyst: ok,
  leader: 403,
  admin: ok,
  outsider: 404,
  key: 403,
  revokedKey: 401,
})
const TEST_WRITE = (ok: number): Expect => ({
  anonymous: 401,
  marketer: 403,
  analyst: ok,
  leader: 403,
  admin: ok,
  outsider: 404,
  key: 403,
  revokedKey: 401,
})
const ADMIN = (ok: number): Expect => ({
  anonymous: 401,
  marketer: 403,
  analyst: 403,
  leader: 403,
  admin: ok,
  outsider: 404,
  key: 403,
  revokedKey: 401,
})

// Each row: a route, a body when it takes one, and the status each caller must get. Writes that
// succeed for a role are checked for that role only with a body that is valid for it.
const table: [string, string, () => unknown, Expect][] = [
  ['GET', '/segments', () => undefined, READ],
  ['GET', '/journeys', () => undefined, READ],
  ['GET', '/barriers', () => undefined, READ],
  ['GET', '/recommendations', () => undefined, READ],
  ['GET', '/hypotheses', () => undefined, READ],
  ['GET', '/tests', () => undefined, READ],
  ['GET', '/members', () => undefined, READ],
  ['GET', '/audit', () => undefined, READ],
  ['GET', '/api-keys', () => undefined, ADMIN(200)],
  ['POST', '/segments', () => ({ name: 'New segment' }), PIPELINE_WRITE(201)],
  [
    'POST',
    '/barriers',
    () => ({ stageId: ids.stage, title: 'B', kind: 'trust', evidenceSource: 'forum', severity: 'low' }),
    PIPELINE_WRITE(201),
  ],
  ['PATCH', '/hypotheses/{hypothesis}', () => ({ rationale: 'because' }), PIPELINE_WRITE(200)],
  [
    'POST',
    '/tests',
    () => ({ hypothesisId: ids.hypothesis, name: 'T', plan: { targetDeals: 100 } }),
    TEST_WRITE(201),
  ],
  ['POST', '/tests/{test}/pause', () => undefined, TEST_WRITE(409)],
  [
    'POST',
    '/tests/{test}/decision',
    () => ({ verdict: 'reject', rationale: 'r' }),
    {
      anonymous: 401,
      marketer: 403,
      analyst: 403,
      leader: 409,
      admin: 409,
      outsider: 404,
      key: 403,
      revokedKey: 401,
    },
  ],
  ['POST', '/members', () => ({ email: 'someone@example.test', role: 'leader' }), ADMIN(201)],
  ['POST', '/api-keys', () => ({ name: 'k' }), ADMIN(201)],
  [
    'POST',
    '/comments',
    () => ({ subjectType: 'test', subjectId: ids.test, body: 'Looks promising' }),
    { anonymous: 401, ...all(201), outsider: 404, key: 403, revokedKey: 401 },
  ],
]

describe('who may do what', () => {
  for (const [method, template, body, expected] of table) {
    for (const [who, status] of Object.entries(expected)) {
      it(`${method} ${template} as ${who} → ${status}`, async () => {
        const path = template.replace(/\{(\w+)\}/g, (_, name: string) => String(ids[name]))
        const caller: Caller =
          who === 'outsider'
            ? outsider
            : who === 'key'
              ? key
              : who === 'revokedKey'
                ? revokedKey
                : (who as Caller)
        const res = await ws.call(caller, method, path, body())
        expect(res.status, JSON.stringify(res.body)).toBe(status)
        if (status >= 400) expect(Object.keys(res.body.error).sort()).toEqual(['code', 'details', 'message'])
      })
    }
  }

  it('answers a workspace that does not exist like one the caller is not in', async () => {
    const missing = await ctx.request(
      { cookie: ws.members.admin.cookie },
      'GET',
      '/api/workspaces/no-such-workspace/segments',
    )
    const foreign = await ws.call(outsider, 'GET', '/segments')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual(foreign.body)
  })

  it("does not reveal another workspace's objects by id", async () => {
    const other = await ctx.newWorkspace()
    const theirs = await other.segment()
    const res = await ws.call('admin', 'GET', `/segments/${theirs.id}`)
    expect(res.status).toBe(404)
    const patch = await ws.call('admin', 'PATCH', `/segments/${theirs.id}`, { name: 'hijacked' })
    expect(patch.status).toBe(404)
    expect((await other.call('admin', 'GET', `/segments/${theirs.id}`)).body.name).toBe('Family men 30+')
  })
})
