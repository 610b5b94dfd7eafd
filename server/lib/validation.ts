import type { Hook } from '@hono/zod-openapi'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../context.ts'
import { ApiError } from '../errors.ts'

/** Invalid input never reaches a handler: 400 with the path of every offending field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return
  const target = (result as { target?: string }).target ?? 'input'
  const details = result.error.issues.map((issue) => ({
    path: [target === 'json' ? 'body' : target, ...issue.path].join('.'),
    message: issue.message,
  }))
  throw new ApiError(
    400,
    'invalid_input',
    `Invalid ${target === 'json' ? 'body' : target}: ${details[0]?.path} ${details[0]?.message}`,
    details,
  )
}

const BODY_TYPES = /^(application\/json|text\/csv|text\/plain|multipart\/form-data)\b/i
const JSON_TYPE = /^application\/json\b/i
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Deeper than any body of this API needs; far below what would exhaust the stack of a recursive reader. */
export const MAX_JSON_DEPTH = 32

/**
 * What in a JSON text PostgreSQL cannot store or a recursive reader cannot take: a NUL (`\u0000`)
 * in any key or string, which jsonb refuses, or nesting deeper than `MAX_JSON_DEPTH`. One pass
 * without recursion, so a body nested 500,000 deep costs no stack; malformed JSON is left to the
 * parser. The field is named as zod names it (`body.portrait.city`).
 *
 * The pass goes from one character that matters to the next by regular expression: a loop of
 * `charCodeAt` over a decoded body was measured at 8 s for 1 MB in a process that also runs PGlite
 * (0.3 ms this way).
 */
export function jsonBodyProblem(text: string): { path: string; message: string } | null {
  const nul = text.includes('\\u0000')
  let depth = 0
  let inString = false
  const significant = /["\\[\]{}]/g
  for (let m = significant.exec(text); m; m = significant.exec(text)) {
    const ch = m[0]
    if (inString) {
      if (ch === '"') inString = false
      else if (ch === '\\') {
        if (nul && text.startsWith('u0000', m.index + 1))
          return { path: pathAt(text, m.index), message: 'must not contain NUL characters (\\u0000)' }
        significant.lastIndex = m.index + 2
      }
    } else if (ch === '"') inString = true
    else if (ch === '[' || ch === '{') {
      if (++depth > MAX_JSON_DEPTH)
        return { path: pathAt(text, m.index), message: `is nested deeper than ${MAX_JSON_DEPTH} levels` }
    } else if (ch === ']' || ch === '}') depth--
  }
  return null
}

/** The path of the value (or key) at `index`, read again from the start: only for a refusal. */
function pathAt(text: string, index: number): string {
  const frames: { key: string | number; expectKey: boolean; array: boolean }[] = []
  let inKey = false
  const significant = /["\\[\]{}:,]/g
  for (let m = significant.exec(text); m && m.index < index; m = significant.exec(text)) {
    const top = frames.at(-1)
    const ch = m[0]
    if (ch === '"') {
      const start = m.index
      const end = /(?:[^"\\]|\\.)*"/y
      end.lastIndex = start + 1
      const closed = end.exec(text)
      if (!closed || start + closed[0].length >= index) {
        inKey = Boolean(top && !top.array && top.expectKey)
        break
      }
      significant.lastIndex = start + 1 + closed[0].length
      if (top && !top.array && top.expectKey)
        top.key = JSON.parse(text.slice(start, significant.lastIndex)) as string
    } else if (ch === '{' || ch === '[')
      frames.push({ key: ch === '[' ? 0 : '', expectKey: ch === '{', array: ch === '[' })
    else if (ch === '}' || ch === ']') frames.pop()
    else if (ch === ':' && top) top.expectKey = false
    else if (ch === ',' && top) {
      if (top.array) top.key = (top.key as number) + 1
      else top.expectKey = true
    }
  }
  // Inside a key: the object holding it is named.
  const keys = frames.map((f) => String(f.key))
  if (inKey) keys.pop()
  return ['body', ...keys].join('.')
}

/**
 * Bodies must be JSON or CSV, in valid UTF-8: a byte sequence that is not UTF-8 would otherwise be
 * decoded into replacement characters and stored altered. A JSON body is also refused when it holds
 * what PostgreSQL cannot store or nests deeper than any route needs (`jsonBodyProblem`), before a
 * route reads it. Runs after the caller is known (app.ts), so no body is read for a refused caller.
 */
export const checkBodyEncoding = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next()
  const length = c.req.header('content-length')
  const type = c.req.header('content-type') ?? ''
  if (length === '0') return next()
  // Browsers send a DELETE or a bodiless POST with neither type nor length: let it through when it
  // is indeed empty.
  if (!type && (await c.req.arrayBuffer()).byteLength === 0) return next()
  if (!BODY_TYPES.test(type)) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      'Send the body as application/json (or text/csv where a route takes CSV)',
    )
  }
  if (!type.startsWith('multipart/')) {
    let text: string
    try {
      text = utf8.decode(await c.req.arrayBuffer())
    } catch {
      throw new ApiError(400, 'malformed_json', 'The body is not valid UTF-8')
    }
    const problem = JSON_TYPE.test(type) ? jsonBodyProblem(text) : null
    if (problem)
      throw new ApiError(400, 'invalid_input', `Invalid body: ${problem.path} ${problem.message}`, [problem])
    // The decoded text is what `c.req.json()` and `c.req.text()` read next: decoded once. Hono keeps
    // pending reads in this cache (its type says values).
    ;(c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text)
  }
  await next()
})
