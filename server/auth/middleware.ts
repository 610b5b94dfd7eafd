import { getCookie } from 'hono/cookie'
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { ApiError } from '../errors.ts'
import type { AppEnv, Auth, Deps } from '../context.ts'
import { hashToken } from './tokens.ts'

export const SESSION_COOKIE = 'cxw_session'

async function fromSession(deps: Deps, token: string): Promise<Auth | null> {
  const tokenHash = hashToken(token)
  const session = await deps.db
    .selectFrom('sessions')
    .select(['user_id', 'expires_at', 'revoked_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
  if (!session || session.revoked_at || session.expires_at <= deps.clock()) return null
  return { kind: 'user', userId: session.user_id, tokenHash }
}

// The last use of a key is shown to admins to the minute; writing it on every request would make
// every integration call a write on one shared row.
const LAST_USED_RESOLUTION_MS = 60_000

async function fromApiKey(deps: Deps, token: string): Promise<Auth | null> {
  const key = await deps.db
    .selectFrom('api_keys')
    .innerJoin('workspaces', 'workspaces.id', 'api_keys.workspace_id')
    .select([
      'api_keys.id',
      'api_keys.workspace_id',
      'api_keys.scopes',
      'api_keys.last_used_at',
      'workspaces.slug',
    ])
    .where('api_keys.key_hash', '=', hashToken(token))
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst()
  if (!key) return null
  const now = deps.clock()
  if (!key.last_used_at || now.getTime() - key.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
    await deps.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', key.id).execute()
  }
  return {
    kind: 'api_key',
    apiKeyId: key.id,
    workspaceId: key.workspace_id,
    workspaceSlug: key.slug,
    scopes: key.scopes,
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Cross-site request forgery: a change made with the session cookie must come from this site.
 * SameSite=Lax already keeps the cookie off cross-site posts and bodies must be JSON or CSV (no
 * plain form posts); this also refuses any unsafe request whose Origin is another site, or that the
 * browser marks cross-site. API keys are not ambient credentials and need no such check.
 */
function assertSameSite(c: Context<AppEnv>) {
  if (SAFE_METHODS.has(c.req.method)) return
  const origin = c.req.header('origin')
  // An Origin that is not a URL (or is "null", as from a sandboxed page) is not this site either.
  const crossOrigin =
    origin !== undefined && (!URL.canParse(origin) || new URL(origin).host !== new URL(c.req.url).host)
  if (crossOrigin || c.req.header('sec-fetch-site') === 'cross-site') {
    throw new ApiError(403, 'forbidden', 'Cross-site requests may not change data with the session cookie')
  }
}

/**
 * Reads the caller's credentials: the session cookie or a bearer API key. Who they belong to is
 * looked up on first use (`callerOf`), so a route that needs no caller costs no query, and a
 * workspace route resolves the session together with the membership in one (workspace-scope.ts).
 */
export const identify = createMiddleware<AppEnv>(async (c, next) => {
  const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1]
  const cookie = bearer ? undefined : getCookie(c, SESSION_COOKIE)
  if (cookie) assertSameSite(c)
  c.set(
    'credentials',
    bearer ? { kind: 'api_key', token: bearer } : cookie ? { kind: 'session', token: cookie } : null,
  )
  await next()
})

/** The caller: a signed-in user, an API key, or `null` for anonymous; looked up once per request. */
export async function callerOf(c: Context<AppEnv>): Promise<Auth | null> {
  const known = c.get('auth')
  if (known !== undefined) return known
  const credentials = c.get('credentials')
  const deps = c.get('deps')
  const auth = !credentials
    ? null
    : credentials.kind === 'api_key'
      ? await fromApiKey(deps, credentials.token)
      : await fromSession(deps, credentials.token)
  c.set('auth', auth)
  return auth
}
