import type { Context } from 'hono'
import { assertCan, type Permission } from '../auth/permissions.ts'
import type { AppEnv } from '../context.ts'

/** What a workspace handler needs: the database, the caller's scope checked for `permission`, and now. */
export function allow(c: Context<AppEnv>, permission: Permission) {
  const deps = c.get('deps')
  return { db: deps.db, scope: assertCan(c.get('scope'), permission), now: deps.clock() }
}
