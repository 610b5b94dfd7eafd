import type { Permission } from '../../server/auth/permissions.ts'
import { PASSWORD, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import type { Who } from './world.ts'

// One row for every operation of the OpenAPI document: what it needs of the caller, its status on
// success, the audit entries a success adds to the workspace's record, and how to make a call that
// succeeds in any workspace. The access matrix, the isolation, body and session rules and the fuzz
// all read it; each checks that it covers the document.

/** What each role may do, as DESIGN and server/auth/permissions.ts say; API keys only ingest. */
export const GRANTS: Record<'marketer' | 'analyst' | 'leader' | 'admin', Permission[]> = {
  marketer: ['read', 'edit_pipeline', 'comment'],
  analyst: ['read', 'edit_pipeline', 'manage_tests', 'ingest', 'comment'],
  leader: ['read', 'decide', 'comment'],
  admin: ['read', 'edit_pipeline', 'manage_tests', 'decide', 'administer', 'ingest', 'comment'],
}

/** public: anyone; user: any signed-in person, no key; otherwise the workspace permission. */
export type Need = Permission | 'public' | 'user'

/** Whether a caller whose standing in the workspace is `role` (null: none) may do what `need` says. */
export function allowed(need: Need, role: keyof typeof GRANTS | 'api_key' | null, signedIn: boolean) {
  if (need === 'public') return true
  if (need === 'user') return signedIn && role !== 'api_key'
  if (role === null) return false
  if (role === 'api_key') return need === 'ingest'
  return GRANTS[role].includes(need)
}

/** The status a caller of the matrix gets for a route that needs `need` and answers `ok` on success. */
export function expectedStatus(need: Need, who: Who, ok: number): number {
  if (need === 'public') return ok
  if (who === 'anonymous' || who === 'revokedKey' || who === 'expired') return 401
  if (need === 'user') return who === 'key' ? 401 : ok
  if (who === 'outsider') return 404
  if (who === 'key') return need === 'ingest' ? ok : 403
  return GRANTS[who].includes(need) ? ok : 403
}

export interface CallPlan {
  vars?: Record<string, number>
  body?: unknown
  query?: string
  contentType?: string
}

/** Objects of every kind made in one workspace through the API, shared or fresh. */
export function bind(ctx: TestContext, ws: WorkspaceFixture) {
  const shared = new Map<string, Promise<number>>()
  const once = (name: string, make: () => Promise<number>) => {
    if (!shared.has(name)) shared.set(name, make())
    return shared.get(name)!
  }
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await ws.call('admin', method, path, body)
    if (res.status >= 300)
      throw new Error(`setup ${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const nowIso = () => ctx.now().toISOString()
  const make = {
    segment: async () => (await ws.segment()).id as number,
    journey: async () => (await ws.journey()).id as number,
    stage: async () => (await ws.stage()).id as number,
    touchpoint: async () =>
      (
        await ok('POST', '/touchpoints', {
          stageId: await make.stage(),
          channel: 'sms',
          description: 'Reminder',
        })
      ).id as number,
    barrier: async () => (await ws.barrier()).id as number,
    recommendation: async () => (await ws.recommendation()).id as number,
    hypothesis: async () => (await ws.hypothesis()).id as number,
    test: async () => (await ws.test()).id as number,
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
      const user = await ctx.newUser('spare')
      await ctx.db
        .insertInto('memberships')
        .values({ workspace_id: ws.id, user_id: user.id, role: 'marketer' })
        .execute()
      return user.id
    },
    /** An unread notice: a running test amended to a tiny target completes with its second deal. */
    notification: async () => {
      const id = await make.running()
      await ok('PATCH', `/tests/${id}`, { plan: { targetDeals: 2 }, amendmentReason: 'smaller pilot' })
      await ok('POST', `/tests/${id}/deals`, [
        { externalId: 'n-1', customerKey: 'c-1', closedAt: nowIso(), converted: true },
        { externalId: 'n-2', customerKey: 'c-2', closedAt: nowIso(), converted: false },
      ])
      // Newest first: the notice of this completion.
      const page = await ok('GET', '/notifications?unread=true')
      return page.items[0].id as number
    },
  }
  return { ctx, ws, make, once, ok, nowIso }
}
export type Bound = ReturnType<typeof bind>
export type Kind = keyof Bound['make']

type Setup = (b: Bound, fresh: boolean) => Promise<CallPlan>
const id =
  (kind: Kind, consumes = false): Setup =>
  async (b, fresh) => ({
    vars: { id: fresh && consumes ? await b.make[kind]() : await b.once(kind, b.make[kind]) },
  })
const withId =
  (kind: Kind, body: unknown, consumes = false): Setup =>
  async (b, fresh) => ({ ...(await id(kind, consumes)(b, fresh)), body })
const body =
  (make: (b: Bound) => Promise<unknown> | unknown): Setup =>
  async (b) => ({ body: await make(b) })
const member: Setup = async (b, fresh) => ({
  vars: { userId: fresh ? await b.make.member() : await b.once('member', b.make.member) },
})
const none: Setup = async () => ({})
/** The token of a one-time link, as the web page takes it from after `#token=`. */
const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, '')
let serial = 0
export const unique = () => `${Date.now().toString(36)}-${++serial}`

export interface Entry {
  method: string
  /** As the OpenAPI document writes it. */
  path: string
  need: Need
  success: number
  /**
   * The audit actions one successful call adds to the workspace's log, each once, by the caller;
   * `member` for the person's own entries that only a member of the workspace gets.
   */
  audit: string[] | { member: string[] }
  setup: Setup
}

const W = '/api/workspaces/{workspace}'
const row = (
  method: string,
  path: string,
  need: Need,
  success: number,
  audit: Entry['audit'],
  setup: Setup,
): Entry => ({ method, path, need, success, audit, setup })

export const CATALOG: Entry[] = [
  row('GET', '/api/health', 'public', 200, [], none),
  row('GET', '/api/openapi.json', 'public', 200, [], none),
  row('GET', '/api/docs', 'public', 200, [], none),
  row(
    'POST',
    '/api/auth/login',
    'public',
    200,
    [],
    body((b) => ({ email: b.ws.members.leader.email, password: PASSWORD })),
  ),
  row('POST', '/api/auth/logout', 'public', 204, [], none),
  row('POST', '/api/auth/logout-everywhere', 'user', 204, [], none),
  row(
    'POST',
    '/api/auth/password',
    'user',
    204,
    { member: ['member.password_changed'] },
    body(() => ({ currentPassword: PASSWORD, newPassword: 'another long password' })),
  ),
  row(
    'POST',
    '/api/auth/accept-invitation',
    'public',
    200,
    ['member.invitation_accepted'],
    body(async (b) => ({
      token: tokenOf(
        (await b.ok('POST', '/members', { email: `in-${unique()}@example.test`, role: 'marketer' }))
          .invitation.link,
      ),
      password: 'a long enough password',
    })),
  ),
  row(
    'POST',
    '/api/auth/reset-password',
    'public',
    200,
    ['member.password_reset'],
    body(async (b) => ({
      token: tokenOf((await b.ok('POST', `/members/${await b.make.member()}/password-reset`)).link),
      password: 'a long enough password',
    })),
  ),
  row('GET', '/api/me', 'user', 200, [], none),
  row(
    'POST',
    '/api/calculators/significance',
    'public',
    200,
    [],
    body(() => ({ control: { deals: 100, conversions: 10 }, treatment: { deals: 100, conversions: 20 } })),
  ),
  row(
    'POST',
    '/api/calculators/sample-size',
    'public',
    200,
    [],
    body(() => ({ baselineRate: 0.1, minimumDetectableEffect: 0.05 })),
  ),
  row(
    'POST',
    '/api/calculators/power',
    'public',
    200,
    [],
    body(() => ({ baselineRate: 0.1, control: 500, treatment: 500, minimumDetectableEffect: 0.05 })),
  ),
  row(
    'POST',
    '/api/calculators/revenue',
    'public',
    200,
    [],
    body(() => ({ control: { values: [1, 2, 3] }, treatment: { values: [2, 3, 4] } })),
  ),
  row(
    'POST',
    '/api/calculators/srm',
    'public',
    200,
    [],
    body(() => ({ counts: { control: 50, treatment: 52 }, planned: { control: 1, treatment: 1 } })),
  ),
  row(
    'POST',
    '/api/calculators/adjust',
    'public',
    200,
    [],
    body(() => ({ pValues: [0.01, 0.04], method: 'holm' })),
  ),
  row(
    'POST',
    '/api/calculators/sequential',
    'public',
    200,
    [],
    body(() => ({ informationFractions: [0.5, 1] })),
  ),

  row('GET', `${W}/segments`, 'read', 200, [], none),
  row(
    'POST',
    `${W}/segments`,
    'edit_pipeline',
    201,
    ['segment.created'],
    body(() => ({ name: 'Young families' })),
  ),
  row('GET', `${W}/segments/{id}`, 'read', 200, [], id('segment')),
  row(
    'PATCH',
    `${W}/segments/{id}`,
    'edit_pipeline',
    200,
    ['segment.updated'],
    withId('segment', { name: 'Renamed segment' }),
  ),
  row('DELETE', `${W}/segments/{id}`, 'edit_pipeline', 204, ['segment.deleted'], id('segment', true)),
  row('GET', `${W}/journeys`, 'read', 200, [], none),
  row(
    'POST',
    `${W}/journeys`,
    'edit_pipeline',
    201,
    ['journey.created'],
    body(async (b) => ({ segmentId: await b.once('segment', b.make.segment), name: 'Servicing' })),
  ),
  row('GET', `${W}/journeys/{id}`, 'read', 200, [], id('journey')),
  row(
    'PATCH',
    `${W}/journeys/{id}`,
    'edit_pipeline',
    200,
    ['journey.updated'],
    withId('journey', { name: 'Renamed journey' }),
  ),
  row('DELETE', `${W}/journeys/{id}`, 'edit_pipeline', 204, ['journey.deleted'], id('journey', true)),
  row(
    'POST',
    `${W}/stages`,
    'edit_pipeline',
    201,
    ['stage.created'],
    body(async (b) => ({ journeyId: await b.once('journey', b.make.journey), name: 'Delivery' })),
  ),
  row(
    'PATCH',
    `${W}/stages/{id}`,
    'edit_pipeline',
    200,
    ['stage.updated'],
    withId('stage', { name: 'Renamed stage' }),
  ),
  row('DELETE', `${W}/stages/{id}`, 'edit_pipeline', 204, ['stage.deleted'], id('stage', true)),
  row('GET', `${W}/touchpoints`, 'read', 200, [], none),
  row(
    'POST',
    `${W}/touchpoints`,
    'edit_pipeline',
    201,
    ['touchpoint.created'],
    body(async (b) => ({
      stageId: await b.once('stage', b.make.stage),
      channel: 'call',
      description: 'Follow-up call',
    })),
  ),
  row(
    'PATCH',
    `${W}/touchpoints/{id}`,
    'edit_pipeline',
    200,
    ['touchpoint.updated'],
    withId('touchpoint', { description: 'Second call' }),
  ),
  row(
    'DELETE',
    `${W}/touchpoints/{id}`,
    'edit_pipeline',
    204,
    ['touchpoint.deleted'],
    id('touchpoint', true),
  ),
  row('GET', `${W}/barriers`, 'read', 200, [], none),
  row(
    'POST',
    `${W}/barriers`,
    'edit_pipeline',
    201,
    ['barrier.created'],
    body(async (b) => ({
      stageId: await b.once('stage', b.make.stage),
      title: 'Long wait',
      kind: 'process_friction',
      evidenceSource: 'forum',
      severity: 'low',
    })),
  ),
  row('GET', `${W}/barriers/{id}`, 'read', 200, [], id('barrier')),
  row(
    'PATCH',
    `${W}/barriers/{id}`,
    'edit_pipeline',
    200,
    ['barrier.updated'],
    withId('barrier', { title: 'Renamed barrier' }),
  ),
  row('DELETE', `${W}/barriers/{id}`, 'edit_pipeline', 204, ['barrier.deleted'], id('barrier', true)),
  row('GET', `${W}/recommendations`, 'read', 200, [], none),
  row(
    'POST',
    `${W}/recommendations`,
    'edit_pipeline',
    201,
    ['recommendation.created'],
    body(async (b) => ({
      stageId: await b.once('stage', b.make.stage),
      barrierId: null,
      text: 'Call back within an hour',
    })),
  ),
  row('GET', `${W}/recommendations/{id}`, 'read', 200, [], id('recommendation')),
  row(
    'PATCH',
    `${W}/recommendations/{id}`,
    'edit_pipeline',
    200,
    ['recommendation.updated'],
    withId('recommendation', { text: 'Call back within ten minutes' }),
  ),
  row(
    'DELETE',
    `${W}/recommendations/{id}`,
    'edit_pipeline',
    204,
    ['recommendation.deleted'],
    id('recommendation', true),
  ),
  row('GET', `${W}/hypotheses`, 'read', 200, [], none),
  row(
    'POST',
    `${W}/hypotheses`,
    'edit_pipeline',
    201,
    ['hypothesis.created'],
    body(async (b) => ({
      recommendationId: await b.once('recommendation', b.make.recommendation),
      change: 'c',
      expectedOutcome: 'o',
      primaryMetric: 'm',
    })),
  ),
  row('GET', `${W}/hypotheses/{id}`, 'read', 200, [], id('hypothesis')),
  row(
    'PATCH',
    `${W}/hypotheses/{id}`,
    'edit_pipeline',
    200,
    ['hypothesis.updated'],
    withId('hypothesis', { rationale: 'because customers said so' }),
  ),
  row('DELETE', `${W}/hypotheses/{id}`, 'edit_pipeline', 204, ['hypothesis.deleted'], id('hypothesis', true)),
  row('GET', `${W}/tests`, 'read', 200, [], none),
  row(
    'POST',
    `${W}/tests`,
    'manage_tests',
    201,
    ['test.created'],
    body(async (b) => ({
      hypothesisId: await b.make.hypothesis(),
      name: 'Callback test',
      plan: { targetDeals: 200 },
    })),
  ),
  row('GET', `${W}/tests/{id}`, 'read', 200, [], id('test')),
  row(
    'PATCH',
    `${W}/tests/{id}`,
    'manage_tests',
    200,
    ['test.updated'],
    withId('test', { name: 'Renamed test' }),
  ),
  row('DELETE', `${W}/tests/{id}`, 'manage_tests', 204, ['test.deleted'], id('test', true)),
  // A fresh test's hypothesis and barrier (made with it) go under test with it.
  row(
    'POST',
    `${W}/tests/{id}/start`,
    'manage_tests',
    200,
    ['test.started', 'hypothesis.testing', 'barrier.testing'],
    id('test', true),
  ),
  row('POST', `${W}/tests/{id}/pause`, 'manage_tests', 200, ['test.paused'], id('running', true)),
  row('POST', `${W}/tests/{id}/resume`, 'manage_tests', 200, ['test.resumed'], id('paused', true)),
  row('POST', `${W}/tests/{id}/complete`, 'manage_tests', 200, ['test.completed'], id('running', true)),
  row(
    'POST',
    `${W}/tests/{id}/close-out`,
    'manage_tests',
    200,
    ['test.closed_out', 'hypothesis.refuted'],
    withId('completed', { outcome: 'refuted', learnings: 'No lift' }, true),
  ),
  row(
    'POST',
    `${W}/tests/{id}/decision`,
    'decide',
    201,
    ['decision.created', 'test.decided', 'barrier.open'],
    withId('closedOut', { verdict: 'reject', rationale: 'No lift' }, true),
  ),
  row('GET', `${W}/tests/{id}/decision`, 'read', 200, [], id('decided')),
  row('GET', `${W}/tests/{id}/decisions`, 'read', 200, [], id('decided')),
  row('POST', `${W}/tests/{id}/assignments`, 'ingest', 200, [], async (b, fresh) => ({
    ...(await id('running')(b, fresh)),
    body: { customerKey: `k-${unique()}` },
  })),
  row('GET', `${W}/tests/{id}/assignments`, 'read', 200, [], id('running')),
  row('POST', `${W}/tests/{id}/assignments/csv`, 'ingest', 200, [], async (b, fresh) => ({
    ...(await id('running')(b, fresh)),
    body: `customerKey\nk-${unique()}\n`,
    contentType: 'text/csv',
  })),
  row('POST', `${W}/tests/{id}/deals`, 'ingest', 200, ['deals.ingested'], async (b, fresh) => ({
    ...(await id('running')(b, fresh)),
    body: { externalId: `d-${unique()}`, customerKey: 'c-1', closedAt: b.nowIso(), converted: false },
  })),
  row('GET', `${W}/tests/{id}/deals`, 'read', 200, [], id('running')),
  row('POST', `${W}/tests/{id}/deals/csv`, 'ingest', 200, ['deals.ingested'], async (b, fresh) => ({
    ...(await id('running')(b, fresh)),
    body: `externalId,customerKey,closedAt,converted\nd-${unique()},c-2,${b.nowIso()},true\n`,
    contentType: 'text/csv',
  })),
  row('GET', `${W}/tests/{id}/results`, 'read', 200, [], id('running')),
  row('GET', `${W}/portfolio`, 'read', 200, [], none),
  row('GET', `${W}/members`, 'read', 200, [], none),
  row(
    'POST',
    `${W}/members`,
    'administer',
    201,
    ['member.invited'],
    body(() => ({ email: `new-${unique()}@example.test`, name: 'New colleague', role: 'leader' })),
  ),
  row(
    'POST',
    `${W}/members/{userId}/password-reset`,
    'administer',
    201,
    ['member.password_reset_issued'],
    member,
  ),
  row('PATCH', `${W}/members/{userId}`, 'administer', 204, ['member.role_changed'], async (b, fresh) => ({
    ...(await member(b, fresh)),
    body: { role: 'analyst' },
  })),
  row('DELETE', `${W}/members/{userId}`, 'administer', 204, ['member.removed'], member),
  row('GET', `${W}/api-keys`, 'administer', 200, [], none),
  row(
    'POST',
    `${W}/api-keys`,
    'administer',
    201,
    ['api_key.created'],
    body(() => ({ name: 'Email tool' })),
  ),
  row('DELETE', `${W}/api-keys/{id}`, 'administer', 204, ['api_key.revoked'], id('apiKey', true)),
  row('GET', `${W}/comments`, 'read', 200, [], async (b) => ({
    query: `?subjectType=test&subjectId=${await b.once('test', b.make.test)}`,
  })),
  row(
    'POST',
    `${W}/comments`,
    'comment',
    201,
    ['comment.added'],
    body(async (b) => ({
      subjectType: 'test',
      subjectId: await b.once('test', b.make.test),
      body: 'Looks promising',
    })),
  ),
  row('GET', `${W}/audit`, 'read', 200, [], none),
  row('GET', `${W}/settings`, 'administer', 200, [], none),
  row(
    'PATCH',
    `${W}/settings`,
    'administer',
    200,
    ['workspace.settings_changed'],
    body(() => ({ locale: 'en' })),
  ),
  row('GET', `${W}/notifications`, 'read', 200, [], none),
  // A notice is marked read once: each allowed call gets one of its own.
  row('POST', `${W}/notifications/{id}/read`, 'read', 200, ['notification.read'], id('notification', true)),
  row('GET', `${W}/webhook-deliveries`, 'administer', 200, [], none),
]

const byOperation = new Map(CATALOG.map((e) => [`${e.method} ${e.path}`, e]))

/** The catalog's row for an operation of the OpenAPI document. */
export function entryOf(method: string, path: string): Entry {
  const entry = byOperation.get(`${method} ${path}`)
  if (!entry) throw new Error(`catalog: no row for ${method} ${path}`)
  return entry
}

/** The request path of a row in workspace `slug` with the ids of a plan. */
export function pathOf(entry: Entry, slug: string, plan: CallPlan): string {
  let path = entry.path.replace('{workspace}', slug)
  for (const [k, v] of Object.entries(plan.vars ?? {})) path = path.replace(`{${k}}`, String(v))
  return `${path}${plan.query ?? ''}`
}

/**
 * The sign-out routes end the session they are called with, and a password change changes the
 * password the other rows sign in with: such a row is called by a person of its own, a member of
 * the workspace with `role` (or of none).
 */
export function ownsPerson(entry: Pick<Entry, 'path'>) {
  return entry.path.startsWith('/api/auth/logout') || entry.path === '/api/auth/password'
}
