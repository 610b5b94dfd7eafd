import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv, Scope } from '../context.ts'
import { ApiError, notFound } from '../errors.ts'
import { callerOf } from './middleware.ts'
import { hashToken } from './tokens.ts'

const notSignedIn = () => new ApiError(401, 'not_signed_in', 'Sign in or send an API key')

/**
 * A session and its membership of the workspace `slug`, in one query: every request of the web
 * app passes here, and a second round trip would be a good part of a fast read's time.
 */
async function memberScope(c: Context<AppEnv>, token: string, slug: string): Promise<Scope> {
  const { db, clock } = c.get('deps')
  const tokenHash = hashToken(token)
  const row = await db
    .selectFrom('sessions')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('memberships')
          .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
          .select(['memberships.user_id', 'memberships.role', 'workspaces.id as workspace_id'])
          .where('workspaces.slug', '=', slug)
          .as('m'),
      (join) => join.onRef('m.user_id', '=', 'sessions.user_id'),
    )
    .select(['sessions.user_id', 'sessions.expires_at', 'sessions.revoked_at', 'm.role', 'm.workspace_id'])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst()
  if (!row || row.revoked_at || row.expires_at <= clock()) {
    c.set('auth', null)
    throw notSignedIn()
  }
  c.set('auth', { kind: 'user', userId: row.user_id, tokenHash })
  if (row.workspace_id === null || row.role === null) throw notFound('Workspace')
  return {
    workspaceId: row.workspace_id,
    slug,
    role: row.role,
    actor: { userId: row.user_id, apiKeyId: null },
  }
}

/**
 * Resolves `:workspace` for a signed-in member or the workspace's own API key. Anyone else gets
 * the same 404 as for a workspace that does not exist, so its existence is not revealed.
 */
export const workspaceScope = createMiddleware<AppEnv>(async (c, next) => {
  const credentials = c.get('credentials')
  if (!credentials) throw notSignedIn()
  const slug = c.req.param('workspace') ?? ''
  // Not a slug at all (NUL bytes, which PostgreSQL cannot hold, among others): no such workspace,
  // once the caller is known to be someone.
  const isSlug = /^[a-z0-9][a-z0-9-]{0,63}$/.test(slug)
  if (credentials.kind === 'session' && isSlug) {
    c.set('scope', await memberScope(c, credentials.token, slug))
    return next()
  }
  const auth = await callerOf(c)
  if (!auth) throw notSignedIn()
  if (!isSlug) throw notFound('Workspace')
  if (auth.kind !== 'api_key' || slug !== auth.workspaceSlug) throw notFound('Workspace')
  c.set('scope', {
    workspaceId: auth.workspaceId,
    slug,
    role: 'api_key',
    actor: { userId: null, apiKeyId: auth.apiKeyId },
  })
  await next()
})
