import { sql } from 'kysely'
import { expect } from 'vitest'
import { hashToken, newToken } from '../../server/auth/tokens.ts'
import type { ErrorCode } from '../../server/errors.ts'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import { bind } from './catalog.ts'

/** Every code of server/errors.ts with the one status it may come with. */
export const STATUS_OF_CODE: Record<ErrorCode, number> = {
  invalid_input: 400,
  malformed_json: 400,
  unsupported_media_type: 415,
  not_signed_in: 401,
  invalid_credentials: 401,
  too_many_attempts: 429,
  forbidden: 403,
  not_found: 404,
  duplicate: 409,
  in_use: 409,
  wrong_state: 409,
  test_plan_frozen: 409,
  unknown_reference: 422,
  rows_refused: 422,
  pipeline_rule: 422,
  close_out_required: 409,
  acknowledgement_required: 422,
  payload_too_large: 413,
  database_unavailable: 503,
  internal: 500,
}

/** The documented error body: `{error: {code, message, details}}`, a request id allowed, nothing else. */
export function errorShapeProblem(status: number, headers: Headers, body: unknown): string | null {
  if (!headers.get('content-type')?.startsWith('application/json'))
    return `content-type ${headers.get('content-type')}`
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body is not a JSON object'
  const keys = Object.keys(body)
  if (keys.length !== 1 || keys[0] !== 'error') return `top-level keys ${keys.join(',')}`
  const error = (body as { error: Record<string, unknown> }).error
  if (typeof error !== 'object' || error === null) return 'error is not an object'
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'details', 'requestId'].includes(k))
  if (extra.length) return `extra keys in error: ${extra.join(',')}`
  if (typeof error.code !== 'string' || !(error.code in STATUS_OF_CODE))
    return `unknown code ${String(error.code)}`
  if (STATUS_OF_CODE[error.code as ErrorCode] !== status) return `code ${error.code} with status ${status}`
  if (typeof error.message !== 'string' || error.message === '') return 'message is not a non-empty string'
  if (!Array.isArray(error.details)) return 'details is not an array'
  for (const d of error.details as Record<string, unknown>[]) {
    if (typeof d !== 'object' || d === null || typeof d.path !== 'string' || typeof d.message !== 'string')
      return `bad detail ${JSON.stringify(d)}`
    // The Error schema of the OpenAPI document: path and message, and for refused rows row, field and code.
    const extraDetail = Object.keys(d).filter((k) => !['path', 'message', 'row', 'field', 'code'].includes(k))
    if ('row' in d && typeof d.row !== 'number') return 'detail row is not a number'
    if (('field' in d && typeof d.field !== 'string') || ('code' in d && typeof d.code !== 'string'))
      return 'detail field or code is not a string'
    if (extraDetail.length) return `extra keys in a detail: ${extraDetail.join(',')}`
  }
  return null
}

export function expectErrorShape(res: { status: number; headers: Headers; body: unknown }) {
  expect(
    errorShapeProblem(res.status, res.headers, res.body),
    JSON.stringify(res.body)?.slice(0, 500),
  ).toBeNull()
}

/**
 * Watches every table for changes: a row trigger on each logs the table's name into
 * trust_changes for each row inserted, deleted or really changed (api_keys ignores
 * last_used_at, which every keyed request sets; sign_in_attempts, which counts every sign-in
 * whatever its outcome, is not data and is not watched). A rolled-back write leaves no entry, so "the
 * log did not grow" means exactly "no data changed" — in place updates included, which row
 * counts would miss — and checking it is one index lookup, cheap enough for every request.
 */
export async function changeWatcher(db: TestContext['db']) {
  const tables = (
    await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
      and table_name <> 'sign_in_attempts'
    order by table_name`.execute(db)
  ).rows.map((r) => r.name)
  expect(tables).toEqual(
    expect.arrayContaining([
      'audit_log',
      'segments',
      'tests',
      'deals',
      'sessions',
      'api_keys',
      'memberships',
    ]),
  )
  const statements = [
    'create table trust_changes (id bigint generated always as identity primary key, table_name text not null, op text not null)',
    `create function trust_log_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and tg_table_name = 'api_keys'
         and (to_jsonb(old) - 'last_used_at') = (to_jsonb(new) - 'last_used_at') then return null; end if;
      if tg_op = 'UPDATE' and old is not distinct from new then return null; end if;
      insert into trust_changes (table_name, op) values (tg_table_name, tg_op);
      return null;
    end $$`,
    ...tables.map(
      (t) =>
        `create trigger trust_watch after insert or update or delete on "${t}" for each row execute function trust_log_change()`,
    ),
  ]
  for (const statement of statements) await sql.raw(statement).execute(db)
  const mark = async () =>
    Number(
      (await sql<{ id: string }>`select coalesce(max(id), 0) as id from trust_changes`.execute(db)).rows[0]!
        .id,
    )
  /** Tables changed since a mark, with the kind of change: `segments:INSERT`. */
  const since = async (from: number) =>
    (
      await sql<{
        change: string
      }>`select distinct table_name || ':' || op as change from trust_changes where id > ${from} order by 1`.execute(
        db,
      )
    ).rows.map((r) => r.change)
  return { tables, mark, since }
}

/**
 * The row count of every table and the audit log's highest id, in one query: the plain check,
 * beside the change log, for the tests outside the fuzz loop.
 */
export async function countRows(db: TestContext['db'], tables: string[]): Promise<Record<string, string>> {
  const parts = tables.map((t) => `(select count(*) from "${t}")::text as "${t}"`)
  return (
    await sql
      .raw<Record<string, string>>(
        `select ${parts.join(', ')}, (select coalesce(max(id), 0) from audit_log)::text as audit_max_id`,
      )
      .execute(db)
  ).rows[0]!
}

/** The keys whose values differ. */
export function changedTables(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return Object.keys(before).filter((k) => before[k] !== after[k])
}

export type Who =
  'anonymous' | 'marketer' | 'analyst' | 'leader' | 'admin' | 'outsider' | 'key' | 'revokedKey' | 'expired'
export const EVERYONE: Who[] = [
  'anonymous',
  'marketer',
  'analyst',
  'leader',
  'admin',
  'outsider',
  'key',
  'revokedKey',
  'expired',
]

/**
 * A workspace with one member of each role and its pipeline, a second workspace whose admin is
 * the outsider, a live and a revoked API key, an expired session of the admin, and ids of real
 * objects of either workspace made on demand (made again after a delete).
 */
export async function openWorld() {
  const ctx = await createTestContext()
  const ws = await ctx.newWorkspace()
  const other = await ctx.newWorkspace()
  const issued = await ws.call('admin', 'POST', '/api-keys', { name: 'CRM' })
  const key = issued.body.key as string
  const revoked = await ws.call('admin', 'POST', '/api-keys', { name: 'old CRM' })
  expect((await ws.call('admin', 'DELETE', `/api-keys/${revoked.body.id}`)).status).toBe(204)
  const expired = newToken('cxs')
  await ctx.db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(expired),
      user_id: ws.members.admin.id,
      expires_at: new Date(ctx.now().getTime() - 3600_000),
    })
    .execute()

  const callers: Record<Who, { cookie?: string; bearer?: string }> = {
    anonymous: {},
    marketer: { cookie: ws.members.marketer.cookie },
    analyst: { cookie: ws.members.analyst.cookie },
    leader: { cookie: ws.members.leader.cookie },
    admin: { cookie: ws.members.admin.cookie },
    outsider: { cookie: other.members.admin.cookie },
    key: { bearer: key },
    revokedKey: { bearer: revoked.body.key as string },
    expired: { cookie: expired },
  }

  const ok = async (method: string, path: string, body?: unknown, expected = [200, 201]) => {
    const res = await ws.call('admin', method, path, body)
    if (!expected.includes(res.status))
      throw new Error(`world: ${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const startedTest = async (targetDeals: number) => {
    const hypothesis = await ws.hypothesis({ recommendationId: (await parents()).recommendation })
    const test = await ws.test({ hypothesisId: hypothesis.id, plan: { targetDeals } })
    await ok('POST', `/tests/${test.id}/start`)
    await ok('POST', `/tests/${test.id}/assignments`, {
      customers: [
        { customerKey: 'c-1' },
        { customerKey: 'c-2' },
        { customerKey: 'c-3' },
        { customerKey: 'c-4' },
      ],
    })
    return test.id as number
  }
  // Parents shared by the objects made below, made once; never the target of a real id, so a
  // delete through the API takes only the object it names.
  let base: Promise<{ segment: number; journey: number; stage: number; recommendation: number }> | undefined
  const parents = () =>
    (base ??= (async () => {
      const stage = await ws.stage()
      const journey = (await ok('GET', `/journeys/${stage.journeyId}`)).segmentId as number
      const recommendation = await ws.recommendation({ stageId: stage.id, barrierId: null })
      return {
        segment: journey,
        journey: stage.journeyId as number,
        stage: stage.id as number,
        recommendation: recommendation.id as number,
      }
    })())
  /** How to make one real object of each kind the paths name: one request or a few each. */
  const makers: Record<string, () => Promise<number>> = {
    segments: async () => (await ws.segment()).id,
    journeys: async () => (await ws.journey({ segmentId: (await parents()).segment })).id,
    stages: async () => (await ws.stage({ journeyId: (await parents()).journey })).id,
    touchpoints: async () =>
      (
        await ok('POST', '/touchpoints', {
          stageId: (await parents()).stage,
          channel: 'email',
          description: 'Welcome letter',
        })
      ).id,
    barriers: async () => (await ws.barrier({ stageId: (await parents()).stage })).id,
    recommendations: async () =>
      (await ws.recommendation({ stageId: (await parents()).stage, barrierId: null })).id,
    hypotheses: async () => (await ws.hypothesis({ recommendationId: (await parents()).recommendation })).id,
    // A hypothesis of its own: a decision on a test settles its hypothesis, which then takes no new test.
    tests: async () =>
      (
        await ws.test({
          hypothesisId: (await ws.hypothesis({ recommendationId: (await parents()).recommendation })).id,
        })
      ).id,
    runningTest: () => startedTest(1000),
    completedTest: async () => {
      const id = await startedTest(2)
      await ok('POST', `/tests/${id}/deals`, [
        { externalId: 'd-1', customerKey: 'c-1', closedAt: ctx.now().toISOString(), converted: true },
        { externalId: 'd-2', customerKey: 'c-2', closedAt: ctx.now().toISOString(), converted: false },
        { externalId: 'd-3', customerKey: 'c-3', closedAt: ctx.now().toISOString(), converted: false },
      ])
      return id
    },
    notifications: async () => {
      await makers.completedTest!()
      const page = await ok('GET', '/notifications?unread=true')
      if (!page.items.length) throw new Error('world: a completed test left no notice')
      return page.items[0].id
    },
    'api-keys': async () => (await ok('POST', '/api-keys', { name: 'Email tool' })).id,
    members: async () => {
      const user = await ctx.newUser('extra')
      await ctx.db
        .insertInto('memberships')
        .values({ workspace_id: ws.id, user_id: user.id, role: 'marketer' })
        .execute()
      return user.id
    },
  }
  const made = new Map<string, Promise<number>>()
  let makes = 0
  const realId = (kind: string): Promise<number> => {
    const maker = makers[kind]
    if (!maker) throw new Error(`world: no maker for ${kind}`)
    if (!made.has(kind)) {
      makes++
      made.set(kind, maker())
    }
    return made.get(kind)!
  }
  /**
   * Each kind's object comes with its own parents, so deleting it takes no other kind's object
   * with it: forget that kind. After a delete by some other id anything may be gone: forget all.
   */
  const forget = (kind?: string) => (kind ? made.delete(kind) : made.clear())
  const watcher = await changeWatcher(ctx.db)
  // The same kinds in the other workspace, for calls that name its objects from this one.
  const elsewhere = bind(ctx, other).make
  const otherMakers: Record<string, () => Promise<number>> = {
    segments: elsewhere.segment,
    journeys: elsewhere.journey,
    stages: elsewhere.stage,
    touchpoints: elsewhere.touchpoint,
    barriers: elsewhere.barrier,
    recommendations: elsewhere.recommendation,
    hypotheses: elsewhere.hypothesis,
    tests: elsewhere.test,
    runningTest: elsewhere.running,
    completedTest: elsewhere.completed,
    notifications: elsewhere.notification,
    'api-keys': elsewhere.apiKey,
    members: elsewhere.member,
  }
  const otherMade = new Map<string, Promise<number>>()
  /** A real object of `kind` in the other workspace, made once (again after `forgetOther`). */
  const otherId = (kind: string): Promise<number> => {
    const maker = otherMakers[kind]
    if (!maker) throw new Error(`world: no maker for ${kind} in the other workspace`)
    if (!otherMade.has(kind)) {
      makes++
      otherMade.set(kind, maker())
    }
    return otherMade.get(kind)!
  }

  return {
    ctx,
    ws,
    other,
    /** Objects of every kind in `ws`, shared or fresh, as the catalog's rows make them. */
    bound: bind(ctx, ws),
    /** The live key's id, as the audit log names it. */
    keyId: issued.body.id as number,
    callers,
    realId,
    forget,
    otherId,
    forgetOther: (kind: string) => otherMade.delete(kind),
    watcher,
    /** Row counts of every table and the audit log's highest id. */
    counts: () => countRows(ctx.db, watcher.tables),
    /** How many objects `realId` and `otherId` have made so far. */
    get made() {
      return makes
    },
  }
}

export type World = Awaited<ReturnType<typeof openWorld>>
export type { WorkspaceFixture }

export interface Operation {
  method: string
  path: string
  params: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[]
  bodyType: 'json' | 'csv' | null
  bodySchema: Record<string, unknown> | undefined
  responses: string[]
}

/** Every operation of the OpenAPI document, its body schema with `$ref`s left for `resolve`. */
export async function loadOperations(ctx: TestContext) {
  const res = await ctx.request({}, 'GET', '/api/openapi.json')
  expect(res.status).toBe(200)
  const doc = res.body as {
    paths: Record<string, Record<string, any>>
    components: { schemas: Record<string, any> }
  }
  const operations: Operation[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {}
      const bodyType = content['application/json'] ? 'json' : content['text/csv'] ? 'csv' : null
      operations.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        bodyType,
        bodySchema: content['application/json']?.schema,
        responses: Object.keys(op.responses ?? {}),
      })
    }
  }
  const resolve = (schema: any): any =>
    schema?.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop()]) : schema
  return { operations, resolve, doc }
}

/** The kind of object an `{id}` or `{userId}` in the path names: the segment before it. */
export function kindOf(path: string): string | null {
  const m = path.match(/\/([a-z-]+)\/\{(?:id|userId)\}/)
  return m ? m[1]! : null
}
