import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../db/tables/index.ts'
import { CATALOG, expectedStatus, ownsPerson, pathOf, type Entry } from './catalog.ts'
import { EVERYONE, errorShapeProblem, loadOperations, openWorld, type Who, type World } from './world.ts'
import { recordFigure } from '../helpers/figures.ts'

// Every operation of the OpenAPI document × every kind of caller, cell by cell. The expected
// status comes from the catalog (what each route needs, written from server/auth/permissions.ts),
// never from the app's answers. Allowed cells get a valid body and must succeed, a read changing
// nothing and a write adding its audit entries, each once, by its caller; refused cells get the
// same valid body, so the refusal is for who calls, and must change nothing.

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

const rows = CATALOG
const auditMark = async () =>
  Number(
    (
      await world.ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirstOrThrow()
    ).id ?? 0,
  )
const auditSince = (after: number) =>
  world.ctx.db
    .selectFrom('audit_log')
    .select(['action', 'workspace_id', 'actor_user_id', 'actor_api_key_id'])
    .where('id', '>', after)
    .orderBy('id')
    .execute()

/**
 * The caller for a cell, and who the audit log must name for it. A row that ends the session it is
 * called with, or changes the password, is called by a person of its own (see `ownsPerson`).
 */
async function callerFor(who: Who, entry: Entry) {
  const base = world.callers[who]
  const actor =
    who === 'key'
      ? { actor_user_id: null, actor_api_key_id: world.keyId }
      : who in world.ws.members
        ? { actor_user_id: world.ws.members[who as Role].id, actor_api_key_id: null }
        : null
  if (!ownsPerson(entry) || !base.cookie || who === 'expired') return { caller: base, actor, member: actor }
  const user = await world.ctx.newUser(`${who}-signing-out`)
  if (who !== 'outsider')
    await world.ctx.db
      .insertInto('memberships')
      .values({ workspace_id: world.ws.id, user_id: user.id, role: who as Role })
      .execute()
  const own = { actor_user_id: user.id, actor_api_key_id: null }
  return { caller: { cookie: user.cookie }, actor: own, member: who === 'outsider' ? null : own }
}

describe('the table covers the OpenAPI document', () => {
  it('has one row for every operation, and none for an operation that does not exist', () => {
    const documented = operations.map((op) => `${op.method} ${op.path}`).sort()
    const tabled = rows
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !/\/api\/(health|openapi\.json|docs)$/.test(r))
      .sort()
    expect(tabled).toEqual(documented)
  })
})

describe('every route × every caller', () => {
  for (const entry of rows) {
    const { method, path: template, need, success } = entry
    for (const who of EVERYONE) {
      const status = expectedStatus(need, who, success)
      it(`${method} ${template} as ${who} → ${status}`, async () => {
        const allowed = status === success
        const call = await entry.setup(world.bound, allowed)
        const { caller, actor, member } = await callerFor(who, entry)
        const mark = await world.watcher.mark()
        const audited = await auditMark()
        const res = await world.ctx.request(
          caller,
          method,
          pathOf(entry, world.ws.slug, call),
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
          return
        }
        // Reads never write.
        if (method === 'GET') expect(await world.watcher.since(mark), 'a read changed data').toEqual([])
        // A write is on the record once, in its workspace, by its caller.
        const added = await auditSince(audited)
        const expected = Array.isArray(entry.audit) ? entry.audit : member ? entry.audit.member : []
        expect(added.map((a) => a.action).sort(), 'audit entries added').toEqual([...expected].sort())
        for (const action of expected)
          expect(
            added.filter((a) => a.action === action),
            action,
          ).toHaveLength(1)
        expect(added.every((a) => a.workspace_id === world.ws.id)).toBe(true)
        if (template.startsWith('/api/workspaces/') || template === '/api/auth/password')
          for (const a of added)
            expect(
              { actor_user_id: a.actor_user_id, actor_api_key_id: a.actor_api_key_id },
              a.action,
            ).toEqual(actor)
      })
    }
  }
})
