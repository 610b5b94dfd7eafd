import { getCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
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

async function fromApiKey(deps: Deps, token: string): Promise<Auth | null> {
  const key = await deps.db
    .updateTable('api_keys')
    .set({ last_used_at: deps.clock() })
    .where('key_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .returning(['id', 'workspace_id', 'scopes'])
    .executeTakeFirst()
  return key ? { kind: 'api_key', apiKeyId: key.id, workspaceId: key.workspace_id, scopes: key.scopes } : null
}

/** Resolves the caller from the session cookie or a bearer API key; anonymous is `null`. */
export const identify = createMiddleware<AppEnv>(async (c, next) => {
  const deps = c.get('deps')
  const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1]
  const cookie = getCookie(c, SESSION_COOKIE)
  c.set('auth', bearer ? await fromApiKey(deps, bearer) : cookie ? await fromSession(deps, cookie) : null)
  await next()
})
