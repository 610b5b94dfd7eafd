import { resolve } from 'node:path'
import { z } from 'zod'

const Flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true')

const Env = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  DEMO: Flag.default(true),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 365)
    .default(24 * 14),
  LOG_REQUESTS: Flag.default(false),
  SERVE_WEB: Flag.default(true),
})

export interface Config {
  port: number
  host: string
  database: { kind: 'server'; url: string; poolSize: number } | { kind: 'embedded'; dataDir: string }
  demo: boolean
  sessionTtlHours: number
  logRequests: boolean
  /** false: the API alone, without building or serving the web app */
  serveWeb: boolean
}

/** Reads and validates the environment once; a wrong value throws naming the variable. */
export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked = Object.fromEntries(
    Object.keys(Env.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  )
  const parsed = Env.safeParse(picked)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'server', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'embedded', dataDir: resolve(e.DATA_DIR) },
    demo: e.DEMO,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    logRequests: e.LOG_REQUESTS,
    serveWeb: e.SERVE_WEB,
  }
}
