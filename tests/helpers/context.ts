import { randomBytes } from 'node:crypto'
import type { Role } from '../../db/tables/index.ts'
import { hashPassword } from '../../server/auth/password.ts'
import { hashToken, newToken } from '../../server/auth/tokens.ts'
import { createApp } from '../../server/app.ts'
import { openTestDatabase } from './database.ts'

export const ROLES: Role[] = ['marketer', 'analyst', 'leader', 'admin']
export const PASSWORD = 'correct horse battery'
let passwordHash: Promise<string> | undefined

export type Caller = Role | 'anonymous' | { cookie: string } | { bearer: string }

export interface Reply<T = any> {
  status: number
  body: T
  headers: Headers
}

/**
 * A real app on a fresh real database for one test file, with helpers to make workspaces and
 * members and to call the API as any of them. Every test makes its own rows.
 */
export async function createTestContext() {
  const database = await openTestDatabase()
  const db = database.db
  let now = new Date('2026-11-20T10:00:00Z')
  const app = createApp({ db, clock: () => now, sessionTtlHours: 24 })

  async function request<T = any>(
    caller: { cookie?: string; bearer?: string },
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const h: Record<string, string> = { ...headers }
    if (caller.cookie) h.cookie = `cxw_session=${caller.cookie}`
    if (caller.bearer) h.authorization = `Bearer ${caller.bearer}`
    let payload: string | Uint8Array<ArrayBuffer> | undefined
    if (body !== undefined) {
      payload =
        typeof body === 'string' || body instanceof Uint8Array
          ? (body as string | Uint8Array<ArrayBuffer>)
          : JSON.stringify(body)
      h['content-type'] ??= 'application/json'
    }
    const res = await app.request(path, {
      method,
      headers: h,
      ...(payload !== undefined ? { body: payload } : {}),
    })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers }
  }

  async function newUser(name = 'user') {
    passwordHash ??= hashPassword(PASSWORD)
    const email = `${name}-${randomBytes(5).toString('hex')}@example.test`
    const user = await db
      .insertInto('users')
      .values({ email, name, password_hash: await passwordHash })
      .returning(['id', 'email'])
      .executeTakeFirstOrThrow()
    const token = newToken('cxs')
    await db
      .insertInto('sessions')
      .values({
        token_hash: hashToken(token),
        user_id: user.id,
        expires_at: new Date(now.getTime() + 24 * 3600_000),
      })
      .execute()
    return { id: user.id, email, cookie: token }
  }

  /** A workspace with one member of each role, and a caller for each. */
  async function newWorkspace() {
    const slug = `ws-${randomBytes(5).toString('hex')}`
    const ws = await db
      .insertInto('workspaces')
      .values({ slug, name: `Workspace ${slug}` })
      .returning('id')
      .executeTakeFirstOrThrow()
    const members = {} as Record<Role, Awaited<ReturnType<typeof newUser>>>
    for (const role of ROLES) {
      members[role] = await newUser(role)
      await db
        .insertInto('memberships')
        .values({ workspace_id: ws.id, user_id: members[role].id, role })
        .execute()
    }
    const as = (caller: Caller) =>
      caller === 'anonymous' ? {} : typeof caller === 'string' ? { cookie: members[caller].cookie } : caller
    const call = <T = any>(caller: Caller, method: string, path: string, body?: unknown) =>
      request<T>(as(caller), method, path.startsWith('/api/') ? path : `/api/workspaces/${slug}${path}`, body)
    return { id: ws.id, slug, members, call, ...pipelineFixtures(call) }
  }

  return {
    app,
    db,
    request,
    newUser,
    newWorkspace,
    setNow: (d: Date) => {
      now = d
    },
    now: () => now,
    close: () => database.close(),
  }
}

type Call = <T = any>(caller: Caller, method: string, path: string, body?: unknown) => Promise<Reply<T>>

/** Makes pipeline objects through the API as the admin; each takes overrides and its parent. */
function pipelineFixtures(call: Call) {
  const make = async (path: string, body: object) => {
    const res = await call('admin', 'POST', path, body)
    if (res.status !== 201)
      throw new Error(`fixture ${path} failed: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const segment = (o: object = {}) => make('/segments', { name: 'Family men 30+', ...o })
  const journey = async (o: { segmentId?: number } = {}) =>
    make('/journeys', { name: 'Buying a crossover', segmentId: o.segmentId ?? (await segment()).id, ...o })
  const stage = async (o: { journeyId?: number } = {}) =>
    make('/stages', { name: 'First visit', journeyId: o.journeyId ?? (await journey()).id, ...o })
  const barrier = async (o: { stageId?: number } = {}) =>
    make('/barriers', {
      title: 'Manager pushes the test drive',
      kind: 'goal_clash',
      evidenceSource: 'interview',
      severity: 'high',
      stageId: o.stageId ?? (await stage()).id,
      ...o,
    })
  const recommendation = async (o: { stageId?: number; barrierId?: number | null } = {}) => {
    let { stageId, barrierId } = o
    if (stageId === undefined) {
      const b = barrierId === undefined ? await barrier() : null
      stageId = b?.stageId
      barrierId ??= b?.id ?? null
    }
    return make('/recommendations', {
      text: 'Answer every question first',
      ...o,
      stageId,
      barrierId: barrierId ?? null,
    })
  }
  const hypothesis = async (o: { recommendationId?: number } & Record<string, unknown> = {}) =>
    make('/hypotheses', {
      change: 'an email chain about extras',
      expectedOutcome: 'more deals with extras',
      primaryMetric: 'extras bought',
      baselineRate: 0.15,
      expectedLift: 0.12,
      ice: { impact: 8, confidence: 7, ease: 8 },
      ...o,
      recommendationId: o.recommendationId ?? (await recommendation()).id,
    })
  const test = async (o: { hypothesisId?: number } & Record<string, unknown> = {}) =>
    make('/tests', {
      name: 'Email chain test',
      plan: { targetDeals: 120 },
      ...o,
      hypothesisId: o.hypothesisId ?? (await hypothesis()).id,
    })
  return { segment, journey, stage, barrier, recommendation, hypothesis, test }
}

export type TestContext = Awaited<ReturnType<typeof createTestContext>>
export type WorkspaceFixture = Awaited<ReturnType<TestContext['newWorkspace']>>
