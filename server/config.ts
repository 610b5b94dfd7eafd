import { resolve } from 'node:path'
import { z } from 'zod'
import { parseTrustProxy } from './auth/client-address.ts'

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
  TRUST_PROXY: z
    .string()
    .default('')
    .refine(
      (v) => {
        try {
          parseTrustProxy(v)
          return true
        } catch {
          return false
        }
      },
      { message: 'must be a comma-separated list of IP addresses or CIDR ranges, e.g. 127.0.0.1,10.0.0.0/8' },
    ),
  ALLOW_PRIVATE_WEBHOOKS: Flag.default(false),
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
  /**
   * The reverse proxies in front of the API (addresses or CIDR ranges). Only from them are
   * X-Forwarded-For (the client's address, for sign-in throttling) and X-Forwarded-Proto (https:
   * the session cookie is then Secure) believed. Empty: the peer is the client.
   */
  trustProxy: string
  /**
   * Lets webhooks go to private, loopback and link-local addresses: for receivers on the same
   * network (on-premises) and tests. Off, such targets are refused when saved and when sent.
   */
  allowPrivateWebhooks: boolean
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
    trustProxy: e.TRUST_PROXY,
    allowPrivateWebhooks: e.ALLOW_PRIVATE_WEBHOOKS,
  }
}

// The two network settings are also read where no Config is passed (an app or a webhook
// dispatcher built without them), from the same variables and by the same rules.

/** TRUST_PROXY as set in the environment (checked at start by readConfig). */
export const trustProxyFromEnv = (env: Record<string, string | undefined> = process.env): string =>
  env.TRUST_PROXY ?? ''

/** Whether ALLOW_PRIVATE_WEBHOOKS is on in the environment, read at each use. */
export const privateWebhooksAllowed = (env: Record<string, string | undefined> = process.env): boolean =>
  Flag.safeParse(env.ALLOW_PRIVATE_WEBHOOKS).data ?? false
