import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Permission } from '../../server/auth/permissions.ts'
import { PASSWORD } from '../helpers/context.ts'
import { EVERYONE, errorShapeProblem, loadOperations, openWorld, type Who, type World } from './world.ts'
import { recordFigure } from '../helpers/figures.ts'

// Every operation of the OpenAPI document × every kind of caller, cell by cell. The expected
// status comes from the table below (what each route needs, written from server/auth/permissions.ts),
// never from the app's answers. Allowed cells get a valid body and must succeed; refused cells get
// the same valid body, so the refusal is for who calls, and must change nothing.

let world: World
let operations: Awaited<ReturnType<typeof loadOperations>>['operations']
beforeAll(async () => {
  world = await openWorld()
  operations = (await loadOperations(world.ctx)).operations
})
afterAll(async () => {
  recordFigure(`access matrix: ${cells} cells tested (${rows.length} routes × ${EVERYONE.length} callers)`)
  await world?.ctx.close()
})
let cells = 0

/** What each role may do, as DESIGN and server/auth/permissions.ts say; API keys only ingest. */
const GRANTS: Record<'marketer' | 'analyst' | 'leader' | 'admin', Permission[]> = {
  marketer: ['read', 'edit_pipeline', 'comment'],
  analyst: ['read', 'edit_pipeline', 'manage_tests', 'ingest', 'comment'],
  leader: ['read', 'decide', 'comment'],
  admin: ['read', 'edit_pipeline', 'manage_tests', 'decide', 'administer', 'ingest', 'comment'],
}

/** public: anyone; user: any signed-in person, no key; otherwise the workspace permission. */
type Need = Permission | 'public' | 'user'

interface Call {
  vars?: Record<string, number>
  body?: unknown
  query?: string
  contentType?: string
}
/** Makes what one cell needs; `fresh` when the caller is allowed and the call may use the object up. */
type Setup = (fresh: boolean) => Promise<Call>

function expected(need: Need, who: Who, ok: number): number {
  if (need === 'public') return ok
  if (who === 'anonymous' || who === 'revokedKey' || who === 'expired') return 401
  if (need === 'user') return who === 'key' ? 401 : ok
  if (who === 'outsider') return 404
  if (who === 'key') return need === 'ingest' ? ok : 403
  return GRANTS[who].includes(need) ? ok : 403
}

// Shared objects for reads and for refused calls; fresh ones for allowed calls that change them.
const shared = new Map<string, Promise<number>>()
const once = (name: string, make: () => Promise<number>) => {
  if (!shared.has(name)) shared.set(name, make())
  return shared.get(name)!
}
const ok = async (method: string, path: string, body?: unknown) => {
  const res = await world.ws.call('admin', method, path, body)
  if (res.status >= 300)
    throw new Error(`setup ${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}
const make = {
  segment: async () => (await world.ws.segment()).id as number,
  journey: async () => (await world.ws.journey()).id as number,
  stage: async () => (await world.ws.stage()).id as number,
  touchpoint: async () =>
    (
      await ok('POST', '/touchpoints', {
        stageId: await make.stage(),
        channel: 'sms',
        description: 'Reminder',
      })
    ).id as number,
  barrier: async () => (await world.ws.barrier()).id as number,
  recommendation: async () => (await world.ws.recommendation()).id as number,
  hypothesis: async () => (await world.ws.hypothesis()).id as number,
  test: async () => (await world.ws.test()).id as number,
  running: async () => {
    const id = await make.test()
    await ok('POST', `/tests/${id}/start`)
    await ok('POST', `/tests/${id}/assignments`, {
      customers: [{ customerKey: 'c-1' }, { customerKey: 'c-2' }],
    })
    return id
  },
  paused: async () => {
    const id = await make.running()
    await ok('POST', `/tests/${id}/pause`)
    return id
  },
  completed: async () => {
    const id = await make.running()
    await ok('POST', `/tests/${id}/complete`)
    return id
  },
  closedOut: async () => {
    const id = await make.completed()
    await ok('POST', `/tests/${id}/close-out`, {
      outcome: 'inconclusive',
      learnings: 'Too few deals to tell',
    })
    return id
  },
  decided: async () => {
    const id = await make.closedOut()
    await ok('POST', `/tests/${id}/decision`, { verdict: 'iterate', rationale: 'Too few deals to tell' })
    return id
  },
  apiKey: async () => (await ok('POST', '/api-keys', { name: 'Spare key' })).id as number,
  member: async () => {
    const user = await world.ctx.newUser('spare')
    await world.ctx.db
      .insertInto('memberships')
      .values({ workspace_id: world.ws.id, user_id: user.id, role: 'marketer' })
      .execute()
    return user.id
  },
  notification: async () => {
    const id = await make.running()
    await ok('PATCH', `/tests/${id}`, { plan: { targetDeals: 2 }, amendmentReason: 'smaller pilot' })
    await ok('POST', `/tests/${id}/deals`, [
      { externalId: 'n-1', customerKey: 'c-1', closedAt: world.ctx.now().toISOString(), converted: true },
      { externalId: 'n-2', customerKey: 'c-2', closedAt: world.ctx.now().toISOString(), converted: false },
    ])
    const page = await ok('GET', '/notifications')
    return page.items[0].id as number
  },
}
type Kind = keyof typeof make
const id =
  (kind: Kind, consumes = false): Setup =>
  async (fresh) => ({ vars: { id: fresh && consumes ? await make[kind]() : await once(kind, make[kind]) } })
const withId =
  (kind: Kind, body: unknown, consumes = false): Setup =>
  async (fresh) => ({ ...(await id(kind, consumes)(fresh)), body })
const body =
  (b: () => Promise<unknown> | unknown): Setup =>
  async () => ({ body: await b() })
const none: Setup = async () => ({})
/** The token of a one-time link, as the web page takes it from after `#token=`. */
const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, '')
let serial = 0
const unique = () => `${Date.now().toString(36)}-${++serial}`
const nowIso = () => world.ctx.now().toISOString()

const W = '/api/workspaces/{workspace}'
// [method, path, what it needs, status on success, what a call needs]
const rows: [string, string, Need, number, Setup][] = [
  ['GET', '/api/health', 'public', 200, none],
  ['GET', '/api/openapi.json', 'public', 200, none],
  ['GET', '/api/docs', 'public', 200, none],
  [
    'POST',
    '/api/auth/login',
    'public',
    200,
    body(() => ({ email: world.ws.members.leader.email, password: PASSWORD })),
  ],
  ['POST', '/api/auth/logout', 'public', 204, none],
  ['POST', '/api/auth/logout-everywhere', 'user', 204, none],
  [
    'POST',
    '/api/auth/password',
    'user',
    204,
    body(() => ({ currentPassword: PASSWORD, newPassword: 'another long password' })),
  ],
  [
    'POST',
    '/api/auth/accept-invitation',
    'public',
    200,
    body(async () => ({
      token: tokenOf(
        (await ok('POST', '/members', { email: `in-${unique()}@example.test`, role: 'marketer' })).invitation
          .link,
      ),
      password: 'a long enough password',
    })),
  ],
  [
    'POST',
    '/api/auth/reset-password',
    'public',
    200,
    body(async () => ({
      token: tokenOf((await ok('POST', `/members/${await make.member()}/password-reset`)).link),
      password: 'a long enough password',
    })),
  ],
  ['GET', '/api/me', 'user', 200, none],
  [
    'POST',
    '/api/calculators/significance',
    'public',
    200,
    body(() => ({ control: { deals: 100, conversions: 10 }, treatment: { deals: 100, conversions: 20 } })),
  ],
  [
    'POST',
    '/api/calculators/sample-size',
    'public',
    200,
    body(() => ({ baselineRate: 0.1, minimumDetectableEffect: 0.05 })),
  ],
  [
    'POST',
    '/api/calculators/power',
    'public',
    200,
    body(() => ({ baselineRate: 0.1, control: 500, treatment: 500, minimumDetectableEffect: 0.05 })),
  ],
  [
    'POST',
    '/api/calculators/revenue',
    'public',
    200,
    body(() => ({ control: { values: [1, 2, 3] }, treatment: { values: [2, 3, 4] } })),
  ],
  [
    'POST',
    '/api/calculators/srm',
    'public',
    200,
    body(() => ({ counts: { control: 50, treatment: 52 }, planned: { control: 1, treatment: 1 } })),
  ],
  ['POST', '/api/calculators/adjust', 'public', 200, body(() => ({ pValues: [0.01, 0.04], method: 'holm' }))],
  ['POST', '/api/calculators/sequential', 'public', 200, body(() => ({ informationFractions: [0.5, 1] }))],

  ['GET', `${W}/segments`, 'read', 200, none],
  ['POST', `${W}/segments`, 'edit_pipeline', 201, body(() => ({ name: 'Young families' }))],
  ['GET', `${W}/segments/{id}`, 'read', 200, id('segment')],
  ['PATCH', `${W}/segments/{id}`, 'edit_pipeline', 200, withId('segment', { name: 'Renamed segment' })],
  ['DELETE', `${W}/segments/{id}`, 'edit_pipeline', 204, id('segment', true)],
  ['GET', `${W}/journeys`, 'read', 200, none],
  [
    'POST',
    `${W}/journeys`,
    'edit_pipeline',
    201,
    body(async () => ({ segmentId: await once('segment', make.segment), name: 'Servicing' })),
  ],
  ['GET', `${W}/journeys/{id}`, 'read', 200, id('journey')],
  ['PATCH', `${W}/journeys/{id}`, 'edit_pipeline', 200, withId('journey', { name: 'Renamed journey' })],
  ['DELETE', `${W}/journeys/{id}`, 'edit_pipeline', 204, id('journey', true)],
  [
    'POST',
    `${W}/stages`,
    'edit_pipeline',
    201,
    body(async () => ({ journeyId: await once('journey', make.journey), name: 'Delivery' })),
  ],
  ['PATCH', `${W}/stages/{id}`, 'edit_pipeline', 200, withId('stage', { name: 'Renamed stage' })],
  ['DELETE', `${W}/stages/{id}`, 'edit_pipeline', 204, id('stage', true)],
  ['GET', `${W}/touchpoints`, 'read', 200, none],
  [
    'POST',
    `${W}/touchpoints`,
    'edit_pipeline',
    201,
    body(async () => ({
      stageId: await once('stage', make.stage),
      channel: 'call',
      description: 'Follow-up call',
    })),
  ],
  [
    'PATCH',
    `${W}/touchpoints/{id}`,
    'edit_pipeline',
    200,
    withId('touchpoint', { description: 'Second call' }),
  ],
  ['DELETE', `${W}/touchpoints/{id}`, 'edit_pipeline', 204, id('touchpoint', true)],
  ['GET', `${W}/barriers`, 'read', 200, none],
  [
    'POST',
    `${W}/barriers`,
    'edit_pipeline',
    201,
    body(async () => ({
      stageId: await once('stage', make.stage),
      title: 'Long wait',
      kind: 'process_friction',
      evidenceSource: 'forum',
      severity: 'low',
    })),
  ],
  ['GET', `${W}/barriers/{id}`, 'read', 200, id('barrier')],
  ['PATCH', `${W}/barriers/{id}`, 'edit_pipeline', 200, withId('barrier', { title: 'Renamed barrier' })],
  ['DELETE', `${W}/barriers/{id}`, 'edit_pipeline', 204, id('barrier', true)],
  ['GET', `${W}/recommendations`, 'read', 200, none],
  [
    'POST',
    `${W}/recommendations`,
    'edit_pipeline',
    201,
    body(async () => ({
      stageId: await once('stage', make.stage),
      barrierId: null,
      text: 'Call back within an hour',
    })),
  ],
  ['GET', `${W}/recommendations/{id}`, 'read', 200, id('recommendation')],
  [
    'PATCH',
    `${W}/recommendations/{id}`,
    'edit_pipeline',
    200,
    withId('recommendation', { text: 'Call back within ten minutes' }),
  ],
  ['DELETE', `${W}/recommendations/{id}`, 'edit_pipeline', 204, id('recommendation', true)],
  ['GET', `${W}/hypotheses`, 'read', 200, none],
  [
    'POST',
    `${W}/hypotheses`,
    'edit_pipeline',
    201,
    body(async () => ({
      recommendationId: await once('recommendation', make.recommendation),
      change: 'c',
      expectedOutcome: 'o',
      primaryMetric: 'm',
    })),
  ],
  ['GET', `${W}/hypotheses/{id}`, 'read', 200, id('hypothesis')],
  [
    'PATCH',
    `${W}/hypotheses/{id}`,
    'edit_pipeline',
    200,
    withId('hypothesis', { rationale: 'because customers said so' }),
  ],
  ['DELETE', `${W}/hypotheses/{id}`, 'edit_pipeline', 204, id('hypothesis', true)],
  ['GET', `${W}/tests`, 'read', 200, none],
  [
    'POST',
    `${W}/tests`,
    'manage_tests',
    201,
    body(async () => ({
      hypothesisId: await make.hypothesis(),
      name: 'Callback test',
      plan: { targetDeals: 200 },
    })),
  ],
  ['GET', `${W}/tests/{id}`, 'read', 200, id('test')],
  ['PATCH', `${W}/tests/{id}`, 'manage_tests', 200, withId('test', { name: 'Renamed test' })],
  ['DELETE', `${W}/tests/{id}`, 'manage_tests', 204, id('test', true)],
  ['POST', `${W}/tests/{id}/start`, 'manage_tests', 200, id('test', true)],
  ['POST', `${W}/tests/{id}/pause`, 'manage_tests', 200, id('running', true)],
  ['POST', `${W}/tests/{id}/resume`, 'manage_tests', 200, id('paused', true)],
  ['POST', `${W}/tests/{id}/complete`, 'manage_tests', 200, id('running', true)],
  [
    'POST',
    `${W}/tests/{id}/close-out`,
    'manage_tests',
    200,
    withId('completed', { outcome: 'refuted', learnings: 'No lift' }, true),
  ],
  [
    'POST',
    `${W}/tests/{id}/decision`,
    'decide',
    201,
    withId('closedOut', { verdict: 'reject', rationale: 'No lift' }, true),
  ],
  ['GET', `${W}/tests/{id}/decision`, 'read', 200, id('decided')],
  ['GET', `${W}/tests/{id}/decisions`, 'read', 200, id('decided')],
  [
    'POST',
    `${W}/tests/{id}/assignments`,
    'ingest',
    200,
    async (fresh) => ({ ...(await id('running')(fresh)), body: { customerKey: `k-${unique()}` } }),
  ],
  ['GET', `${W}/tests/{id}/assignments`, 'read', 200, id('running')],
  [
    'POST',
    `${W}/tests/{id}/assignments/csv`,
    'ingest',
    200,
    async (fresh) => ({
      ...(await id('running')(fresh)),
      body: `customerKey\nk-${unique()}\n`,
      contentType: 'text/csv',
    }),
  ],
  [
    'POST',
    `${W}/tests/{id}/deals`,
    'ingest',
    200,
    async (fresh) => ({
      ...(await id('running')(fresh)),
      body: { externalId: `d-${unique()}`, customerKey: 'c-1', closedAt: nowIso(), converted: false },
    }),
  ],
  ['GET', `${W}/tests/{id}/deals`, 'read', 200, id('running')],
  [
    'POST',
    `${W}/tests/{id}/deals/csv`,
    'ingest',
    200,
    async (fresh) => ({
      ...(await id('running')(fresh)),
      body: `externalId,customerKey,closedAt,converted\nd-${unique()},c-2,${nowIso()},true\n`,
      contentType: 'text/csv',
    }),
  ],
  ['GET', `${W}/tests/{id}/results`, 'read', 200, id('running')],
  ['GET', `${W}/portfolio`, 'read', 200, none],
  ['GET', `${W}/members`, 'read', 200, none],
  [
    'POST',
    `${W}/members`,
    'administer',
    201,
    body(() => ({ email: `new-${unique()}@example.test`, name: 'New colleague', role: 'leader' })),
  ],
  [
    'POST',
    `${W}/members/{userId}/password-reset`,
    'administer',
    201,
    async (fresh) => ({ vars: { userId: fresh ? await make.member() : await once('member', make.member) } }),
  ],
  [
    'PATCH',
    `${W}/members/{userId}`,
    'administer',
    204,
    async (fresh) => ({
      vars: { userId: fresh ? await make.member() : await once('member', make.member) },
      body: { role: 'analyst' },
    }),
  ],
  [
    'DELETE',
    `${W}/members/{userId}`,
    'administer',
    204,
    async (fresh) => ({ vars: { userId: fresh ? await make.member() : await once('member', make.member) } }),
  ],
  ['GET', `${W}/api-keys`, 'administer', 200, none],
  ['POST', `${W}/api-keys`, 'administer', 201, body(() => ({ name: 'Email tool' }))],
  ['DELETE', `${W}/api-keys/{id}`, 'administer', 204, id('apiKey', true)],
  [
    'GET',
    `${W}/comments`,
    'read',
    200,
    async () => ({ query: `?subjectType=test&subjectId=${await once('test', make.test)}` }),
  ],
  [
    'POST',
    `${W}/comments`,
    'comment',
    201,
    body(async () => ({
      subjectType: 'test',
      subjectId: await once('test', make.test),
      body: 'Looks promising',
    })),
  ],
  ['GET', `${W}/audit`, 'read', 200, none],
  ['GET', `${W}/settings`, 'administer', 200, none],
  ['PATCH', `${W}/settings`, 'administer', 200, body(() => ({ locale: 'en' }))],
  ['GET', `${W}/notifications`, 'read', 200, none],
  ['POST', `${W}/notifications/{id}/read`, 'read', 200, id('notification')],
  ['GET', `${W}/webhook-deliveries`, 'administer', 200, none],
]

/**
 * The caller for a cell. The sign-out routes end the session they are called with, and a password
 * change changes the password the other rows sign in with: a person of its own.
 */
async function callerFor(who: Who, method: string, path: string) {
  const base = world.callers[who]
  const ownPerson = path.startsWith('/api/auth/logout') || path === '/api/auth/password'
  if (!ownPerson || !base.cookie || who === 'expired') return base
  const user = await world.ctx.newUser(`${who}-signing-out`)
  if (who !== 'outsider')
    await world.ctx.db
      .insertInto('memberships')
      .values({ workspace_id: world.ws.id, user_id: user.id, role: who as 'admin' })
      .execute()
  return { cookie: user.cookie }
}

describe('the table covers the OpenAPI document', () => {
  it('has one row for every operation, and none for an operation that does not exist', () => {
    const documented = operations.map((op) => `${op.method} ${op.path}`).sort()
    const tabled = rows
      .map(([m, p]) => `${m} ${p}`)
      .filter((r) => !/\/api\/(health|openapi\.json|docs)$/.test(r))
      .sort()
    expect(tabled).toEqual(documented)
  })
})

describe('every route × every caller', () => {
  for (const [method, template, need, success, setup] of rows) {
    for (const who of EVERYONE) {
      const status = expected(need, who, success)
      it(`${method} ${template} as ${who} → ${status}`, async () => {
        const allowed = status === success
        const call = await setup(allowed)
        let path = template.replace('{workspace}', world.ws.slug)
        for (const [k, v] of Object.entries(call.vars ?? {})) path = path.replace(`{${k}}`, String(v))
        const caller = await callerFor(who, method, template)
        const mark = await world.watcher.mark()
        const res = await world.ctx.request(
          caller,
          method,
          `${path}${call.query ?? ''}`,
          call.body,
          call.contentType ? { 'content-type': call.contentType } : {},
        )
        cells++
        expect(
          res.status,
          typeof res.body === 'string' ? res.body.slice(0, 300) : JSON.stringify(res.body)?.slice(0, 300),
        ).toBe(status)
        if (!allowed) {
          expect(errorShapeProblem(res.status, res.headers, res.body)).toBeNull()
          expect(res.body.error.code).toBe(
            status === 401 ? 'not_signed_in' : status === 403 ? 'forbidden' : 'not_found',
          )
          expect(await world.watcher.since(mark), 'a refused call changed data').toEqual([])
        }
      })
    }
  }
})
