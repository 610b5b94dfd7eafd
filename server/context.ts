import type { Kysely } from 'kysely'
import type { DB, Role } from '../db/tables/index.ts'
import type { TrustedProxies } from './auth/client-address.ts'
import type { SignInThrottle } from './auth/rate-limit.ts'

export interface Deps {
  db: Kysely<DB>
  /** The time of day; tests pass a fixed clock. */
  clock: () => Date
  sessionTtlHours: number
  /** Sends pending webhooks soon; called after a change that may have queued one. */
  webhooks?: { kick(): void }
  /** For a PostgreSQL server: whether it answers (embedded PGlite is always there). */
  databaseHealth?: { isUp(): boolean; suspect(): void }
  /** Sign-in attempts per account at an address and per address, counted in the database. */
  signInThrottle: SignInThrottle
  /** The reverse proxies (TRUST_PROXY) whose X-Forwarded-For and X-Forwarded-Proto are believed. */
  trustedProxies: TrustedProxies
}

export type Auth =
  | { kind: 'user'; userId: number; tokenHash: string }
  | { kind: 'api_key'; apiKeyId: number; workspaceId: number; workspaceSlug: string; scopes: string[] }

/** Who acts, as written in the audit log. */
export interface Actor {
  userId: number | null
  apiKeyId: number | null
}

/** A request's standing in one workspace, resolved by the workspace middleware. */
export interface Scope {
  workspaceId: number
  slug: string
  actor: Actor
  role: Role | 'api_key'
}

export interface AppEnv {
  Variables: {
    deps: Deps
    requestId: string
    credentials: { kind: 'api_key' | 'session'; token: string } | null
    /** Set once looked up (`callerOf`); undefined before. */
    auth: Auth | null | undefined
    scope: Scope
  }
}
