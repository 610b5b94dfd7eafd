import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.ts'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import { bind, entryOf, ownsPerson, pathOf, unique, type Bound, type Entry } from '../trust/catalog.ts'
import { changeWatcher, expectErrorShape } from '../trust/world.ts'

// A field the API does not know is refused, never dropped: in every JSON body of the OpenAPI
// document, at the top and in every object nested in it, whatever the field is called. The refusal
// is a 400 in the documented shape naming the object and the field, and changes nothing; the same
// body without the field succeeds. A deal is a row of a batch: its unknown field refuses the row.

// The operations come from the document itself, so a new body is covered when it is declared.
const documentApp = createApp({ db: {} as never, clock: () => new Date(), sessionTtlHours: 24 })
const doc = (await (await documentApp.request('/api/openapi.json')).json()) as {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>
  components: { schemas: Record<string, unknown> }
}
const JSON_BODIES = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods)
    .filter(([, op]) => op.requestBody?.content['application/json'])
    .map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      schema: op.requestBody!.content['application/json']!.schema,
    })),
)

type Schema = Record<string, any>
const resolve = (s: any): Schema | undefined =>
  s?.$ref ? resolve(doc.components.schemas[s.$ref.split('/').pop()]) : s

/** The schema's variants: each member of a union, or the schema itself. */
const variants = (s: any): Schema[] => {
  const r = resolve(s)
  if (!r) return []
  if (r.anyOf || r.oneOf) return (r.anyOf ?? r.oneOf).flatMap(variants)
  return [r]
}
/**
 * An object with named fields, whatever the document says of other fields (that is under test):
 * every one refuses a field it does not name. A free-form map names none.
 */
const isClosedObject = (s: Schema) =>
  s.type === 'object' && (s.additionalProperties === false || Object.keys(s.properties ?? {}).length > 0)

/** A value the schema takes with only its required fields, unique where a key must be. */
function minimal(s: any): unknown {
  const [r] = variants(s).filter((v) => v.type !== 'null')
  if (!r) return null
  if (r.enum) return r.enum[0]
  if (r.type === 'object')
    return Object.fromEntries((r.required ?? []).map((k: string) => [k, minimal(r.properties[k])]))
  if (r.type === 'array') return [minimal(r.items)]
  if (r.type === 'integer' || r.type === 'number')
    return Math.min(r.maximum ?? Infinity, Math.max(r.minimum ?? 0, 3))
  if (r.type === 'boolean') return true
  return `v-${unique()}`
}

/**
 * Where an unknown field can go in a body that `value` fills: the body itself and every strict
 * object nested in it, following the variant of each union the value takes (an object nested in
 * an array: its first item). Returns paths of keys, [] being the body itself.
 */
function objectPaths(schema: any, value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const candidates = variants(schema).filter((v) =>
    Array.isArray(value)
      ? v.type === 'array'
      : v.type === 'object' && typeof value === 'object' && value !== null,
  )
  const out: (string | number)[][] = []
  for (const s of candidates.slice(0, 1)) {
    if (s.type === 'array') {
      out.push(...objectPaths(s.items, (value as unknown[])[0], [...at, 0]))
      continue
    }
    if (isClosedObject(s)) out.push(at)
    for (const [key, property] of Object.entries<any>(s.properties ?? {})) {
      const nested = (value as Record<string, unknown>)[key]
      if (nested !== undefined && nested !== null) out.push(...objectPaths(property, nested, [...at, key]))
    }
  }
  return out
}

/** Fills every optional strict object (or array of them) the body leaves out, so each gets a try. */
function withNestedObjects(schema: any, value: Record<string, unknown>): Record<string, unknown> {
  const s = variants(schema).find((v) => v.type === 'object' && v.properties) ?? {}
  const out = { ...value }
  for (const [key, property] of Object.entries<any>(s.properties ?? {})) {
    if (out[key] !== undefined) continue
    const shape = variants(property).find((v) => v.type !== 'null')
    const item = shape?.type === 'array' ? variants(shape.items)[0] : shape
    if (item && isClosedObject(item)) out[key] = minimal(property)
  }
  return out
}

/** Sets `name` as an own key of the object at `path`, so "__proto__" is sent as a key. */
function withKey(body: unknown, path: (string | number)[], name: string): unknown {
  const copy = structuredClone(body) as Record<string | number, any>
  let target = copy
  for (const k of path) target = target[k]
  Object.defineProperty(target, name, { value: 'x', enumerable: true, writable: true, configurable: true })
  return copy
}

/** Names an unknown field may have: plain, one the server keeps for itself, a prototype's. */
const UNKNOWN = ['colour', 'workspaceId', 'id', 'createdBy', '__proto__', 'constructor']

let ctx: TestContext
let ws: WorkspaceFixture
let objects: Bound
let watcher: Awaited<ReturnType<typeof changeWatcher>>
beforeAll(async () => {
  ctx = await createTestContext()
  ws = await ctx.newWorkspace()
  objects = bind(ctx, ws)
  watcher = await changeWatcher(ctx.db)
})
afterAll(async () => {
  await ctx?.close()
})

/** Who sends a body: anyone for public routes, the admin in the workspace, a person of their own otherwise. */
async function callerFor(entry: Entry) {
  if (entry.need === 'public') return {}
  if (!ownsPerson(entry)) return { cookie: ws.members.admin.cookie }
  return { cookie: (await ctx.newUser('own-person')).cookie }
}

describe('an unknown field in a body', () => {
  it('is looked for in every JSON body of the document, which says each object takes no other field', () => {
    expect(JSON_BODIES.length).toBeGreaterThanOrEqual(35)
    for (const op of JSON_BODIES) expect(() => entryOf(op.method, op.path)).not.toThrow()
    const open: string[] = []
    const visit = (s: any, at: string) => {
      for (const v of variants(s)) {
        if (v.type === 'array') visit(v.items, `${at}[]`)
        if (v.type !== 'object') continue
        if (isClosedObject(v) && v.additionalProperties !== false) open.push(at)
        for (const [k, p] of Object.entries<any>(v.properties ?? {})) visit(p, `${at}.${k}`)
      }
    }
    for (const op of JSON_BODIES) visit(op.schema, `${op.method} ${op.path} body`)
    expect(open).toEqual([])
  })

  for (const op of JSON_BODIES) {
    const entry = entryOf(op.method, op.path)
    const isDeals = op.path.endsWith('/deals')
    it(`${op.method} ${op.path}: refused wherever it is, changing nothing; accepted without it`, async () => {
      const plan = await entry.setup(objects, true)
      const caller = await callerFor(entry)
      const url = pathOf(entry, ws.slug, plan)
      // The body as the catalog sends it, fuller bodies with the nested objects it leaves out, and
      // one body for each other variant of a union.
      const base = (plan.body ?? {}) as Record<string, unknown>
      const bodies: unknown[] = isDeals ? [base, [base]] : [base, withNestedObjects(op.schema, base)]
      if (!isDeals)
        for (const v of variants(op.schema).filter((v) => !objectPaths(v, base).length))
          bodies.push(withNestedObjects(v, minimal(v) as Record<string, unknown>))
      const tried = new Set<string>()
      const mark = await watcher.mark()
      for (const body of bodies) {
        const paths = isDeals ? [Array.isArray(body) ? [0] : []] : objectPaths(op.schema, body)
        expect(paths.length, JSON.stringify(body)).toBeGreaterThan(0)
        for (const at of paths) {
          for (const name of UNKNOWN) {
            const sent = withKey(body, at, name)
            const res = await ctx.request(caller, op.method, url, sent)
            const where = `${name} at body${at.map((k) => `.${k}`).join('')}: ${JSON.stringify(res.body)?.slice(0, 300)}`
            expectErrorShape(res)
            if (isDeals) {
              expect(res.status, where).toBe(422)
              expect(res.body.error.code).toBe('rows_refused')
              expect(res.body.error.details, where).toEqual([
                expect.objectContaining({ row: 1, field: name, code: 'unknown_field' }),
              ])
            } else {
              expect(res.status, where).toBe(400)
              expect(res.body.error.code).toBe('invalid_input')
              const named = res.body.error.details.find(
                (d: { path: string; message: string }) =>
                  d.path === ['body', ...at].join('.') && d.message.includes(name),
              )
              expect(named, where).toBeDefined()
            }
            tried.add(`${at.join('.')}.${name}`)
          }
        }
      }
      expect(await watcher.since(mark), 'a refused body changed data').toEqual([])
      expect(tried.size).toBeGreaterThanOrEqual(UNKNOWN.length)
      const clean = await ctx.request(
        caller,
        op.method,
        url,
        plan.body ?? {},
        plan.contentType ? { 'content-type': plan.contentType } : {},
      )
      expect(clean.status, JSON.stringify(clean.body)?.slice(0, 300)).toBe(entry.success)
    })
  }
})

describe('a free-form map in a body', () => {
  /** A map with one own key, "__proto__" included, as JSON text. */
  const mapOf = (key: string) => {
    const map = {}
    Object.defineProperty(map, key, { value: 'x', enumerable: true })
    return map
  }

  it('keeps every key of a segment portrait, and refuses one it could not keep rather than drop it', async () => {
    const kept = await ws.call('admin', 'POST', '/segments', { name: 'Kept', portrait: mapOf('city') })
    expect(kept.status).toBe(201)
    expect(kept.body.portrait).toEqual({ city: 'x' })
    const mark = await watcher.mark()
    const refused = await ws.call('admin', 'POST', '/segments', {
      name: 'Dropped',
      portrait: mapOf('__proto__'),
    })
    expect(refused.status, JSON.stringify(refused.body)).toBe(400)
    expectErrorShape(refused)
    expect(refused.body.error.details[0].path).toMatch(/^body\.portrait/)
    const patched = await ws.call('admin', 'PATCH', `/segments/${kept.body.id}`, {
      portrait: mapOf('__proto__'),
    })
    expect(patched.status).toBe(400)
    expect(await watcher.since(mark)).toEqual([])
  })

  it("keeps every key of a deal's attributes, and refuses the row for one it could not keep", async () => {
    const test = await objects.make.running()
    const deal = (externalId: string, key: string) => ({
      externalId,
      customerKey: 'c-1',
      closedAt: ctx.now().toISOString(),
      converted: true,
      attributes: mapOf(key),
    })
    const kept = await ws.call('admin', 'POST', `/tests/${test}/deals`, [deal('a-1', 'channel')])
    expect(kept.body).toMatchObject({ inserted: 1 })
    const mark = await watcher.mark()
    const refused = await ws.call('admin', 'POST', `/tests/${test}/deals`, [deal('a-2', '__proto__')])
    expect(refused.status, JSON.stringify(refused.body)).toBe(422)
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ row: 1, field: 'attributes', code: 'invalid_value' }),
    ])
    expect(await watcher.since(mark)).toEqual([])
  })
})
