import type { Hook } from '@hono/zod-openapi'
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
  throw new ApiError(400, 'invalid_input', `Invalid ${target === 'json' ? 'body' : target}: ${details[0]?.path} ${details[0]?.message}`, details)
}
