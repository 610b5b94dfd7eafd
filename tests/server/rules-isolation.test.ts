import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../db/tables/index.ts'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import { allowed, bind, CATALOG, pathOf, type Bound, type Entry } from '../trust/catalog.ts'
import { changeWatcher, expectErrorShape, loadOperations } from '../trust/world.ts'

// A workspace's objects exist for its own members and keys only. Every route that names an object
// by id (from the route catalog, checked against the OpenAPI document), called by every kind of
// caller of one workspace with an id of the other's, answers as for an id that exists nowhere and
// changes nothing; the same call in the object's own workspace succeeds, so the id was real and
// the call sound. Every id a body names is held to the same rule.

let ctx: TestContext
let home: WorkspaceFixture
let away: WorkspaceFixture
let awayObjects: Bound
let homeObjects: Bound
let homeKey: string
let watcher: Awaited<ReturnType<typeof changeWatcher>>
let operations: Awaited<ReturnType<typeof loadOperations>>

beforeAll(async () => {
  ctx = await createTestContext()
  home = await ctx.newWorkspace()
  away = await ctx.newWorkspace()
  homeObjects = bind(ctx, home)
  awayObjects = bind(ctx, away)
  homeKey = (await home.call('admin', 'POST', '/api-keys', { name: 'CRM' })).body.key
  watcher = await changeWatcher(ctx.db)
  operations = await loadOperations(ctx)
})
afterAll(async () => {
  await ctx?.close()
})

const CALLERS: (Role | 'key')[] = ['marketer', 'analyst', 'leader', 'admin', 'key']
const callerOf = (who: Role | 'key') =>
  who === 'key' ? { bearer: homeKey } : { cookie: home.members[who].cookie }
const send = (
  caller: { cookie?: string; bearer?: string },
  entry: Entry,
  path: string,
  body: unknown,
  type?: string,
) => ctx.request(caller, entry.method, path, body, type ? { 'content-type': type } : {})

const BY_ID = CATALOG.filter((e) => /\{(id|userId)\}/.test(e.path))

describe('the routes that name an object by id', () => {
  it('are every such operation of the OpenAPI document', () => {
    const documented = operations.operations
      .filter((op) => /\{(id|userId)\}/.test(op.path))
      .map((op) => `${op.method} ${op.path}`)
      .sort()
    expect(BY_ID.map((e) => `${e.method} ${e.path}`).sort()).toEqual(documented)
    expect(documented.length).toBeGreaterThan(35)
  })
})

describe("another workspace's object, named by id", () => {
  for (const entry of BY_ID) {
    it(`${entry.method} ${entry.path}: not found for every caller here, and found there`, async () => {
      const plan = await entry.setup(awayObjects, true)
      const foreign = pathOf(entry, home.slug, plan)
      // The same call for an id that exists in no workspace: the answer must not tell them apart.
      const nowhere = pathOf(entry, home.slug, {
        ...plan,
        vars: Object.fromEntries(Object.keys(plan.vars ?? {}).map((k) => [k, 2_000_000_000])),
      })
      const mark = await watcher.mark()
      for (const who of CALLERS) {
        const role = who === 'key' ? 'api_key' : who
        const expected = allowed(entry.need, role, who !== 'key') ? 404 : 403
        const res = await send(callerOf(who), entry, foreign, plan.body, plan.contentType)
        expect(res.status, `${who}: ${JSON.stringify(res.body)}`).toBe(expected)
        expectErrorShape(res)
        if (expected === 404) {
          expect(res.body.error.code).toBe('not_found')
          const none = await send(callerOf(who), entry, nowhere, plan.body, plan.contentType)
          expect(res.body, who).toEqual(none.body)
        }
      }
      expect(await watcher.since(mark), 'a call with a foreign id changed data').toEqual([])
      const own = await send(
        { cookie: away.members.admin.cookie },
        entry,
        pathOf(entry, away.slug, plan),
        plan.body,
        plan.contentType,
      )
      expect(own.status, JSON.stringify(own.body)?.slice(0, 300)).toBe(entry.success)
    })
  }

  it("leaves another workspace's API key working after an attempt to revoke it", async () => {
    const issued = await away.call('admin', 'POST', '/api-keys', { name: 'Their CRM' })
    const res = await home.call('admin', 'DELETE', `/api-keys/${issued.body.id}`)
    expect(res.status).toBe(404)
    const test = await awayObjects.make.running()
    const used = await away.call({ bearer: issued.body.key }, 'POST', `/tests/${test}/assignments`, {
      customerKey: 'still-works',
    })
    expect(used.status).toBe(200)
    const keys = (await away.call('admin', 'GET', '/api-keys')).body.items
    expect(keys.find((k: { id: number }) => k.id === issued.body.id).revokedAt).toBeNull()
  })

  it("shows none of another workspace's comments on its objects", async () => {
    const test = await awayObjects.make.test()
    const said = await away.call('leader', 'POST', '/comments', {
      subjectType: 'test',
      subjectId: test,
      body: 'Only for us',
    })
    expect(said.status).toBe(201)
    const theirs = await away.call('leader', 'GET', `/comments?subjectType=test&subjectId=${test}`)
    expect(theirs.body.items).toHaveLength(1)
    const ours = await home.call('leader', 'GET', `/comments?subjectType=test&subjectId=${test}`)
    expect(ours.status).toBe(200)
    expect(ours.body.items).toEqual([])
  })
})

/** How to make an object of the kind a body field names, in a workspace. */
const REFERENCED: Record<string, (b: Bound) => Promise<number>> = {
  segmentId: (b) => b.make.segment(),
  journeyId: (b) => b.make.journey(),
  stageId: (b) => b.make.stage(),
  barrierId: (b) => b.make.barrier(),
  recommendationId: (b) => b.make.recommendation(),
  hypothesisId: (b) => b.make.hypothesis(),
  ownerId: (b) => b.make.member(),
}
/** What a comment's subjectId names, by its subjectType. */
const SUBJECTS: Record<string, (b: Bound) => Promise<number>> = {
  barrier: (b) => b.make.barrier(),
  recommendation: (b) => b.make.recommendation(),
  hypothesis: (b) => b.make.hypothesis(),
  test: (b) => b.make.test(),
  decision: async (b) => {
    const test = await b.make.decided()
    return (await b.ws.call('admin', 'GET', `/tests/${test}/decision`)).body.id
  },
}

describe("another workspace's object, named in a body", () => {
  it('is refused as unknown in every field of every body that names one, and changes nothing', async () => {
    const resolve = (s: any): any =>
      s?.$ref ? resolve(operations.doc.components.schemas[s.$ref.split('/').pop()]) : s
    const checked: string[] = []
    for (const op of operations.operations.filter((o) => o.bodyType === 'json')) {
      const schema = resolve(op.bodySchema)
      const fields = Object.keys(schema?.properties ?? {}).filter((k) => /Id$/.test(k))
      for (const field of fields) {
        const entry = CATALOG.find((e) => e.method === op.method && e.path === op.path)!
        const subjects =
          field === 'subjectId' ? (resolve(schema.properties.subjectType).enum as string[]) : [undefined]
        for (const subjectType of subjects) {
          const make = subjectType ? SUBJECTS[subjectType] : REFERENCED[field]
          expect(make, `no maker for ${field} ${subjectType ?? ''}`).toBeDefined()
          const plan = await entry.setup(homeObjects, true)
          const body = {
            ...(plan.body as object),
            ...(subjectType ? { subjectType } : {}),
            [field]: await make!(awayObjects),
          }
          const mark = await watcher.mark()
          const res = await send(callerOf('admin'), entry, pathOf(entry, home.slug, plan), body)
          const where = `${op.method} ${op.path} ${field} ${subjectType ?? ''}`
          expect(res.status, `${where}: ${JSON.stringify(res.body)}`).toBe(422)
          expectErrorShape(res)
          expect(res.body.error.code, where).toBe('unknown_reference')
          expect(res.body.error.details, where).toEqual([
            { path: `body.${field}`, message: expect.any(String) },
          ])
          expect(await watcher.since(mark), where).toEqual([])
          // The same body naming an object of this workspace is taken (a barrier of the
          // recommendation's own stage: a barrier elsewhere is refused for that).
          const stageId =
            field === 'barrierId'
              ? ((body as { stageId?: number }).stageId ??
                (await home.call('admin', 'GET', `/recommendations/${plan.vars!.id}`)).body.stageId)
              : undefined
          const mine = stageId === undefined ? await make!(homeObjects) : (await home.barrier({ stageId })).id
          const ownBody = { ...body, [field]: mine }
          const own = await send(callerOf('admin'), entry, pathOf(entry, home.slug, plan), ownBody)
          expect(own.status, `${where} (own): ${JSON.stringify(own.body)}`).toBe(entry.success)
          checked.push(where)
        }
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(15)
  })
})
