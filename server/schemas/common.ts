import { z } from '@hono/zod-openapi'

/** An id in a JSON body: a whole number, never a string to be read as one. */
export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER).openapi({ example: 42 })
/**
 * An id as written in a path or a query: digits only. `Number()` would also read "1e0", "0x2",
 * " 2" or "2.0" as an id, so one object would have many addresses.
 */
export const PathId = z
  .string()
  .regex(/^[0-9]{1,16}$/, 'must be a positive whole number written in digits')
  .transform(Number)
  .pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
  .openapi({ type: 'string', pattern: '^[0-9]{1,16}$', example: '42' })
export const IdParam = z.object({ workspace: z.string().min(1).max(64), id: PathId })
export const WorkspaceParam = z.object({ workspace: z.string().min(1).max(64).openapi({ example: 'demo' }) })

/**
 * Free text with a bound, trimmed. Refuses what PostgreSQL cannot store as sent: NUL, and lone
 * UTF-16 surrogates (JSON allows "\ud800"; stored, it would come back as another character).
 */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
    .refine((s) => s.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)')
export const requiredText = (max: number) => text(max).pipe(z.string().min(1, 'must not be empty'))

/**
 * A free-form map (a portrait, a deal's attributes). zod builds a record anew and skips a key
 * "__proto__" (on a plain object it would set the prototype instead): such a key would vanish
 * without a word, so it is refused.
 */
export const freeFormMap = <T extends z.ZodType>(record: T) =>
  z.preprocess((value, ctx) => {
    if (typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__'))
      ctx.issues.push({
        code: 'custom',
        input: value,
        path: ['__proto__'],
        message: 'must not be "__proto__", a key a JavaScript object cannot hold',
      })
    return value
  }, record)

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_input' }),
      message: z.string(),
      details: z.array(
        z.object({
          path: z.string(),
          message: z.string(),
          row: z.number().optional(),
          field: z.string().optional(),
          code: z.string().optional(),
        }),
      ),
      requestId: z.string().optional(),
    }),
  })
  .openapi('Error')

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .regex(/^\d{1,16}$/, 'must be a cursor returned by a previous page')
    .optional(),
})

export function page<T extends z.ZodTypeAny>(item: T, name: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name)
}

export const Timestamp = z.string().openapi({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' })

type Unwrapped<T> = T extends z.ZodDefault<infer I> ? I : T

/**
 * The PATCH form of a create schema's fields: every field optional and without its default, so
 * a field the request leaves out stays as it is (zod's `.partial()` would still fill defaults in).
 */
export function patchOf<T extends z.ZodRawShape>(shape: T) {
  const out: Record<string, z.ZodType> = {}
  for (const [key, field] of Object.entries(shape)) {
    const inner = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)
    out[key] = inner.optional()
  }
  return z.object(out as { [K in keyof T]: z.ZodOptional<Unwrapped<T[K]>> }).strict()
}
