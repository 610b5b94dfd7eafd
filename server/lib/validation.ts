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
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Bodies must be JSON or CSV, in valid UTF-8: a byte sequence that is not UTF-8 would otherwise be
 * decoded into replacement characters and stored altered.
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
    // The decoded text is what `c.req.json()` and `c.req.text()` read next: decoded once. Hono keeps
    // pending reads in this cache (its type says values).
    ;(c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text)
  }
  await next()
})
