import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JSON_BODY_LIMIT } from '../../server/app.ts'
import { changedTables, errorShapeProblem, kindOf, loadOperations, openWorld, type Operation, type Who, type World } from './world.ts'

// Property-based bad input over every operation of the OpenAPI document. Replay a failure with
// FUZZ_SEED=<the seed printed> npx vitest run tests/trust/fuzz.test.ts
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31)
/** Requests per operation; about 80 operations make it over 10,000 a run. */
const ROUNDS = 130

let world: World
let ops: Awaited<ReturnType<typeof loadOperations>>
beforeAll(async () => {
  world = await openWorld()
  ops = await loadOperations(world.ctx)
})
afterAll(async () => { await world?.ctx.close() })

// ---------------------------------------------------------------------------------------------
// Values. Markers stand for what is only known at send time: a real object's id ({$id}), a huge
// string ({$huge}, made when sent so thousands of samples do not hold megabytes) and JSON text
// that JSON.stringify cannot write ({$raw}: 1e400, -0, a lone surrogate escape).

type Marker = { $id: string } | { $huge: number; char: string } | { $raw: string }

const NASTY_STRINGS = [
  '', ' ', '   ', '\t\n', '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\udc00\ud800', '\u202eevil\u202c', 'مرحبا بالعالم', 'שלום',
  'e\u0301\u0301\u0301\u0301', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇', '👨‍👩‍👧‍👦', '🏳️‍🌈', '\ufeff', '\u2028\u2029', '\uffff', '\ufffd', 'Ω≈ç√∫',
  "'; drop table segments; --", "1' or '1'='1", '" or ""="', 'robert\'); delete from audit_log; --', '$1', '%s%s%s%n', '\\', '\\u0000',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', 'javascript:alert(1)', '{{7*7}}', '${7*7}',
  '../../../../etc/passwd', '%00', '%2e%2e%2f', 'NaN', 'Infinity', '-Infinity', '-0', '1e309', '0x1F', '١٢٣', 'null', 'true', 'undefined',
  '2026-02-30', '2026-13-01', '9999-12-31T23:59:59Z', '0000-00-00', '22.11.2026', 'admin', 'marketer', 'owner', '__proto__', 'constructor',
]
const NASTY_NUMBERS = [0, -1, -0.5, 0.5, 1, 1.5, 2, 10, 11, 101, 1000, 1001, 3651, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 1e12, 1e12 + 1,
  1e15, 1e308, -1e308, Number.MIN_VALUE, 5e-324, 1e-7, 0.1 + 0.2, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]
const RAW_NUMBERS = ['1e400', '-1e400', '-0', '1E+2', '0.0000000000000000000000000000000001', '123456789012345678901234567890', '1.7976931348623157e309']

const nastyString = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(201, 1001, 2001, 4001, 70_000).map((n): Marker => ({ $huge: n, char: 'x' })) },
  { weight: 1, arbitrary: fc.constantFrom('é', '😀', '\u0301', 'ю').map((char): Marker => ({ $huge: 1024 * 1024 / 2, char })) },
)
const nastyNumber = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_NUMBERS) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_NUMBERS).map((raw): Marker => ({ $raw: raw })) },
)
const deepArray = fc.integer({ min: 50, max: 5000 }).map((depth): Marker => ({ $raw: '['.repeat(depth) + ']'.repeat(depth) }))
const deepObject = fc.integer({ min: 50, max: 5000 }).map((depth): Marker => ({ $raw: '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) }))
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: nastyString },
  { weight: 4, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { '': '' }, { __proto__: { admin: true } }) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.oneof(deepArray, deepObject) },
)

const isMarker = (v: unknown): v is Marker => typeof v === 'object' && v !== null && !Array.isArray(v) && ('$id' in v || '$huge' in v || '$raw' in v)

/** Writes a value with markers as JSON text, making real ids on the way. */
async function toJsonText(value: unknown): Promise<string> {
  const raws: string[] = []
  const resolve = async (v: unknown): Promise<unknown> => {
    if (isMarker(v)) {
      if ('$id' in v) return world.realId(v.$id)
      if ('$huge' in v) return v.char.repeat(v.$huge)
      raws.push(v.$raw)
      return `\u0001RAW${raws.length - 1}\u0001`
    }
    if (Array.isArray(v)) return Promise.all(v.map(resolve))
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v)) out[k] = await resolve(x)
      return out
    }
    return v
  }
  const text = JSON.stringify(await resolve(value)) ?? 'null'
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_, i: string) => raws[Number(i)]!)
}

// ---------------------------------------------------------------------------------------------
// Valid bodies from the OpenAPI schemas, to mutate one field at a time.

/** Fields that name objects: a valid body carries a real id of the right kind. */
const ID_FIELDS: Record<string, string> = {
  segmentId: 'segments', journeyId: 'journeys', stageId: 'stages', barrierId: 'barriers', recommendationId: 'recommendations',
  hypothesisId: 'hypotheses', subjectId: 'barriers', testId: 'tests',
}

function validOf(schema: any, field = ''): unknown {
  schema = ops.resolve(schema)
  if (!schema) return null
  if (ID_FIELDS[field]) return { $id: ID_FIELDS[field] } satisfies Marker
  if (schema.anyOf || schema.oneOf) return validOf((schema.anyOf ?? schema.oneOf).find((s: any) => ops.resolve(s)?.type !== 'null') ?? schema.anyOf[0], field)
  if (schema.allOf) return validOf(schema.allOf[0], field)
  if (schema.enum) return schema.enum[0]
  if (schema.const !== undefined) return schema.const
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [k, s] of Object.entries<any>(schema.properties ?? {})) {
        if (schema.required?.includes(k) || k.length % 2 === 0) out[k] = validOf(s, k)
      }
      return out
    }
    case 'array': return schema.minItems ? Array.from({ length: schema.minItems }, () => validOf(schema.items, field)) : [validOf(schema.items, field)]
    case 'string':
      if (schema.format === 'email') return `fuzz-${Math.random().toString(36).slice(2, 8)}@example.test`
      if (schema.format === 'date') return '2026-12-01'
      if (field === 'closedAt') return '2026-11-20'
      if (field === 'webhookUrl') return 'https://crm.example.com/hook'
      if (field === 'password' || field === 'webhookSecret') return 'a long enough secret'
      return 'Fuzz text'
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum : 0)
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum : min + 10)
      if (type === 'integer') return Math.max(Math.ceil(min), Math.min(Math.floor(max), 2 + Math.ceil(min)))
      return (min + max) / 2 === 0 ? 0.1 : Math.min(max, Math.max(min, (min + max) / 2))
    }
    case 'boolean': return true
    default: return 'x'
  }
}

/** Paths of the fields of a value (top level and one level down) to mutate. */
function fieldPaths(value: unknown): string[][] {
  if (typeof value !== 'object' || value === null || isMarker(value)) return []
  const paths: string[][] = []
  for (const [k, v] of Object.entries(value)) {
    paths.push([k])
    if (typeof v === 'object' && v !== null && !isMarker(v)) for (const k2 of Object.keys(v)) paths.push([k, k2])
  }
  return paths
}

type Mutation = { kind: 'delete' } | { kind: 'set'; value: unknown } | { kind: 'extra'; name: string; value: unknown }
function mutate(value: unknown, path: string[] | undefined, m: Mutation): unknown {
  const copy = structuredClone(value) as Record<string, any>
  if (m.kind === 'extra' || !path) {
    if (typeof copy === 'object' && copy !== null) copy[m.kind === 'extra' ? m.name : 'extra'] = m.kind === 'extra' ? m.value : null
    return copy
  }
  let parent: Record<string, any> = copy
  for (const k of path.slice(0, -1)) parent = parent[k]
  const last = path[path.length - 1]!
  if (m.kind === 'delete') delete parent[last]
  else parent[last] = m.value
  return copy
}

// ---------------------------------------------------------------------------------------------
// Requests.

interface Fuzzed {
  who: Who | 'victim'
  workspace: string | null
  id: { real: true } | { wrong: string } | null
  query: string
  contentType: string | null
  body: { json: unknown } | { text: string } | { bytes: number[] } | null
}

const WRONG_WORKSPACES = ['no-such-workspace', 'x'.repeat(65), '%00', '%F0%9F%98%80', '..', "'%3B drop table workspaces", '%E2%80%AE', ' ']
const WRONG_IDS = ['0', '-1', '999999999', '9007199254740993', '99999999999999999999999', '1.5', '1e3', '0x10', 'abc', '%20', 'null', 'NaN', '%00',
  '1%3B%20drop%20table%20tests', '%D9%A1', '+1', ' 7']

const MALFORMED = ['{', '{"', '{"a":}', '{"a" 1}', "{'a': 1}", '{"a": 1,}', '[1,]', 'nul', 'NaN', 'Infinity', 'undefined', '{"a": NaN}', '{"a": 01}',
  '{"a": .5}', '{"a": "\\x41"}', '{"a": "\t"}', '{"a": "\\ud800"}', '"\\udfff"', '\ufeff{}', '{} {}', '{}garbage', '/* */ {}', '{"a":1}\u0000',
  '\u0000', '', ' ', '[', ']', '{{}}', '{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"x": 1}}}', 'true', '0', '-', '"unterminated']

const CSV_HEADERS = ['externalId,customerKey,closedAt,converted,revenue', 'customerKey,stratum', 'externalId;customerKey;closedAt;converted', 'customerKey',
  '"externalId","customerKey","closedAt","converted"', 'a,b,c', '', '\ufeffcustomerKey,stratum', 'customerKey\tstratum', '"unclosed,header']
const csvCell = fc.oneof(
  fc.constantFrom('c-1', 'c-2', 'd-9', '2026-11-20', '22.11.2026', 'true', 'да', '0', '1 234,50', '-5', '1e400', '', ' ', '"', '""', '"quoted, with comma"',
    '"unclosed', 'a"b', '\u0000', '\r', '\n', ';', '\t', '=1+1', '=cmd|\' /C calc\'!A0', '@SUM(A1)', '+1', '-1', '<script>', "'; drop table deals; --"),
  nastyString.filter((s) => typeof s === 'string'),
)
const csvText = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...CSV_HEADERS), fc.array(fc.array(csvCell, { minLength: 0, maxLength: 7 }), { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), fc.constantFrom(',', ';'))
    .map(([header, rows, eol, sep]) => [header, ...rows.map((r) => r.join(sep))].join(eol)) },
  { weight: 2, arbitrary: fc.constantFrom(...CSV_HEADERS) },
  { weight: 1, arbitrary: fc.constantFrom('"', '"""', 'a,"b\nc', '\ufeff', '\n\n\n', ',,,,\n,,,', 'customerKey\n"c-1\n', 'customerKey\nc-1,"x"y"') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((k) => `customerKey\n${Array.from({ length: k * 2000 }, (_, i) => `bulk-${i}`).join('\n')}`) },
)

function requestArbitrary(op: Operation): fc.Arbitrary<Fuzzed> {
  const isLogout = op.path.startsWith('/api/auth/logout')
  const who: fc.Arbitrary<Fuzzed['who']> = isLogout
    ? fc.constantFrom<Fuzzed['who']>('anonymous', 'victim', 'expired', 'key')
    : fc.oneof(
      { weight: 14, arbitrary: fc.constant<Who>('admin') },
      { weight: 2, arbitrary: fc.constant<Who>('anonymous') },
      { weight: 2, arbitrary: fc.constant<Who>('key') },
      { weight: 2, arbitrary: fc.constantFrom<Who>('marketer', 'analyst', 'leader') },
      { weight: 1, arbitrary: fc.constantFrom<Who>('outsider', 'revokedKey', 'expired') },
    )
  const workspace = op.path.includes('{workspace}')
    ? fc.oneof({ weight: 12, arbitrary: fc.constant('$own') }, { weight: 1, arbitrary: fc.constant('$other') }, { weight: 1, arbitrary: fc.constantFrom(...WRONG_WORKSPACES) })
    : fc.constant(null)
  const id = kindOf(op.path)
    ? fc.oneof(
      { weight: 3, arbitrary: fc.constant({ real: true as const }) },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...WRONG_IDS), fc.constantFrom('$otherWorkspace'), fc.string({ maxLength: 12 }).map(encodeURIComponent)).map((wrong) => ({ wrong })) },
    )
    : fc.constant(null)
  const queryParams = op.params.filter((p) => p.in === 'query')
  const query = fc.tuple(
    ...queryParams.map((p) => fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.constant(String(validOf(p.schema, p.name))) },
      { weight: 2, arbitrary: fc.oneof(nastyString.map((s) => (typeof s === 'string' ? s : 'x'.repeat(300))), nastyNumber.map((n) => (typeof n === 'number' ? String(n) : '1e400'))) },
    )),
    fc.option(fc.tuple(fc.constantFrom('limit', 'cursor', 'extra', 'format', '__proto__', 'id'), fc.constantFrom('1', '', 'x', '-1', '%')), { freq: 5 }),
  ).map(([...parts]) => {
    const extra = parts.pop() as [string, string] | null
    const search = new URLSearchParams()
    queryParams.forEach((p, i) => { if (parts[i] !== undefined) search.append(p.name, parts[i] as string) })
    if (extra) search.append(extra[0], extra[1])
    const s = search.toString()
    return s ? `?${s}` : ''
  })

  const valid = op.bodySchema ? validOf(op.bodySchema) : {}
  const paths = fieldPaths(valid)
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 2, arbitrary: fc.constant<Mutation>({ kind: 'delete' }) },
    { weight: 6, arbitrary: nastyValue.map((value): Mutation => ({ kind: 'set', value })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('extra', '__proto__', 'id', 'workspaceId', 'role', ''), nastyValue).map(([name, value]): Mutation => ({ kind: 'extra', name, value })) },
  )
  const mutated = fc.tuple(paths.length ? fc.constantFrom(...paths) : fc.constant(undefined), mutation).map(([p, m]) => ({ json: mutate(valid, p, m) }))
  const jsonBodies: fc.Arbitrary<Fuzzed['body']> = fc.oneof(
    { weight: 10, arbitrary: mutated },
    { weight: 2, arbitrary: fc.constant({ json: valid }) },
    { weight: 3, arbitrary: nastyValue.map((json) => ({ json })) },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED).map((text) => ({ text })) },
    { weight: 2, arbitrary: fc.nat().map((cut) => ({ cutOf: cut })).map(({ cutOf }) => ({ text: `\u0002CUT${cutOf}` })) },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((bytes) => ({ bytes })) },
    { weight: 1, arbitrary: fc.constant(null) },
  )
  const body: fc.Arbitrary<Fuzzed['body']> =
    op.bodyType === 'csv' ? fc.oneof({ weight: 8, arbitrary: csvText.map((text) => ({ text })) }, { weight: 1, arbitrary: jsonBodies }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 200 }).map((bytes) => ({ bytes })) })
      : op.bodyType === 'json' ? jsonBodies
        : fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: jsonBodies })
  const natural = op.bodyType === 'csv' ? 'text/csv' : 'application/json'
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant<string | null>(natural) },
    { weight: 1, arbitrary: fc.constantFrom<string | null>(null, 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/xml',
      'application/json; charset=latin1', 'APPLICATION/JSON', 'application/merge-patch+json', 'text/csv; charset=utf-16', 'text/csv', 'application/json', '', ';', 'image/png') },
  )
  return fc.record({ who, workspace, id, query, contentType, body }) as fc.Arbitrary<Fuzzed>
}

async function bodyBytes(op: Operation, body: NonNullable<Fuzzed['body']>): Promise<string | Uint8Array> {
  if ('bytes' in body) return new Uint8Array(body.bytes)
  if ('json' in body) return toJsonText(body.json)
  const cut = body.text.match(/^\u0002CUT(\d+)$/)
  if (cut) {
    const whole = await toJsonText(op.bodySchema ? validOf(op.bodySchema) : { a: [1, 'two', { three: null }] })
    return whole.slice(0, Number(cut[1]) % Math.max(1, whole.length))
  }
  return body.text
}

// ---------------------------------------------------------------------------------------------

describe('property-based bad input over every route', () => {
  it(`never answers 500, always answers 4xx in the documented shape, and a refusal changes nothing`, async () => {
    const started = performance.now()
    const victim = await world.ctx.newUser('victim')
    const operations = ops.operations
    expect(operations.length).toBeGreaterThan(70)
    const arbitraries = operations.map(requestArbitrary)
    const problems = new Map<string, { count: number; example: string }>()
    const statuses = new Map<string, number>()
    const problem = (key: string, example: string) => {
      const p = problems.get(key)
      if (p) p.count++
      else problems.set(key, { count: 1, example })
    }
    let requests = 0
    let before: Record<string, unknown> = { ...(await world.fingerprint()), made: world.made }
    for (let round = 0; round < ROUNDS; round++) {
      for (let o = 0; o < operations.length; o++) {
        const op = operations[o]!
        const [req] = fc.sample(arbitraries[o]!, { seed: (SEED + round * 7919 + o * 104729) | 0, numRuns: 1 }) as [Fuzzed]
        let path = op.path
        if (req.workspace) {
          const slug = req.workspace === '$own' ? world.ws.slug : req.workspace === '$other' ? world.other.slug : req.workspace
          path = path.replace('{workspace}', slug)
        }
        const kind = kindOf(op.path)
        if (req.id && kind) {
          const realKind = kind === 'tests' ? (['tests', 'runningTest', 'completedTest'] as const)[round % 3]! : kind
          const value = 'real' in req.id ? String(await world.realId(realKind))
            : req.id.wrong === '$otherWorkspace' ? String(kind === 'tests' ? world.otherIds.test : world.otherIds.segment) : req.id.wrong
          path = path.replace(/\{(id|userId)\}/, value)
        }
        const headers: Record<string, string> = {}
        const caller = req.who === 'victim' ? { cookie: victim.cookie } : world.callers[req.who]
        if (caller.cookie) headers.cookie = `cxw_session=${caller.cookie}`
        if (caller.bearer) headers.authorization = `Bearer ${caller.bearer}`
        let payload: string | Uint8Array | undefined
        if (req.body) {
          payload = await bodyBytes(op, req.body)
          if (req.contentType !== null) headers['content-type'] = req.contentType
        }
        // Objects made on demand for this request are not the request's doing.
        if (world.made !== before.made) before = { ...(await world.fingerprint()), made: world.made }
        const res = await world.ctx.app.request(`${path}${req.query}`, { method: op.method, headers, ...(payload !== undefined ? { body: payload } : {}) })
        const text = await res.text()
        requests++
        const where = `${op.method} ${op.path}`
        statuses.set(`${where} ${res.status}`, (statuses.get(`${where} ${res.status}`) ?? 0) + 1)
        const example = () => `${op.method} ${path}${req.query} as ${req.who} [${req.contentType}] ${typeof payload === 'string' ? payload.slice(0, 300) : payload ? `<${payload.length} bytes>` : ''} → ${res.status} ${text.slice(0, 300)}`
        if (res.status >= 500) problem(`${where}: ${res.status}`, example())
        if (res.status >= 400) {
          let parsed: unknown
          try { parsed = JSON.parse(text) } catch { parsed = text }
          const shape = errorShapeProblem(res.status, res.headers, parsed)
          if (shape) problem(`${where}: ${res.status} not in the documented error shape (${shape.replace(/\d+/g, 'N')})`, example())
        }
        const after = { ...(await world.fingerprint()), made: world.made }
        if (res.status >= 400) {
          const changed = changedTables(before, after).filter((t) => t !== 'made')
          if (changed.length) problem(`${where}: ${res.status} yet changed ${changed.join(', ')}`, example())
        } else if (op.method === 'DELETE' || op.path.endsWith('/members/{userId}')) {
          world.forgetAll()
        }
        before = after
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    console.log(`fuzz: ${requests} requests, seed ${SEED} (${operations.length} operations, ${seconds} s; replay with FUZZ_SEED=${SEED})`)
    if (process.env.FUZZ_STATUSES) console.log([...statuses].map(([k, n]) => `${k}: ${n}`).join('\n'))
    expect(requests).toBeGreaterThanOrEqual(10_000)
    const report = [...problems].map(([key, p]) => `${key} ×${p.count}\n    e.g. ${p.example}`)
    expect(report, `seed ${SEED}:\n${report.join('\n')}`).toEqual([])
  }, 240_000)
})

describe('size limits', () => {
  it('answers every JSON route with 413 in the documented shape for a body over 10 MB, and writes nothing', async () => {
    const huge = JSON.stringify({ name: 'x', description: 'y'.repeat(JSON_BODY_LIMIT + 1024) })
    const before = await world.fingerprint()
    const jsonOps = ops.operations.filter((op) => op.bodyType === 'json')
    for (const op of jsonOps) {
      const path = op.path.replace('{workspace}', world.ws.slug).replace(/\{(id|userId)\}/, '1')
      const res = await world.ctx.request({ cookie: world.ws.members.admin.cookie }, op.method, path, huge)
      expect(res.status, `${op.method} ${op.path}`).toBe(413)
      expect(errorShapeProblem(res.status, res.headers, res.body)).toBeNull()
      expect(res.body.error.code).toBe('payload_too_large')
    }
    expect(changedTables(before, await world.fingerprint())).toEqual([])
  })

  it('takes a CSV over the JSON limit on a CSV route (its limit is larger)', async () => {
    const testId = await world.realId('runningTest')
    const csv = `wrongColumn\n${'row-value\n'.repeat(Math.ceil((JSON_BODY_LIMIT + 1024) / 10))}`
    const res = await world.ctx.request({ cookie: world.ws.members.admin.cookie }, 'POST', `/api/workspaces/${world.ws.slug}/tests/${testId}/assignments/csv`, csv, { 'content-type': 'text/csv' })
    expect(res.status).toBe(400)
    expect(res.body.error.details[0].path).toBe('query.customerKey')
  })
})
