import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../context.ts'
import { ApiError, notFound } from '../errors.ts'

/**
 * Resolves `:workspace` for a signed-in member or the workspace's own API key. Anyone else gets
 * the same 404 as for a workspace that does not exist, so its existence is not revealed.
 */
export const workspaceScope = createMiddleware<AppEnv>(async (c, next) => {
  const auth = c.get('auth')
  if (!auth) throw new ApiError(401, 'not_signed_in', 'Sign in or send an API key')
  const slug = c.req.param('workspace') ?? ''
  // Not a slug at all (NUL bytes, which PostgreSQL cannot hold, among others): no such workspace.
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(slug)) throw notFound('Workspace')
  const { db } = c.get('deps')
  if (auth.kind === 'api_key') {
    if (slug !== auth.workspaceSlug) throw notFound('Workspace')
    c.set('scope', { workspaceId: auth.workspaceId, slug, role: 'api_key', actor: { userId: null, apiKeyId: auth.apiKeyId } })
  } else {
    const member = await db
      .selectFrom('workspaces')
      .innerJoin('memberships', 'memberships.workspace_id', 'workspaces.id')
      .select(['workspaces.id', 'workspaces.slug', 'memberships.role'])
      .where('workspaces.slug', '=', slug)
      .where('memberships.user_id', '=', auth.userId)
      .executeTakeFirst()
    if (!member) throw notFound('Workspace')
    c.set('scope', { workspaceId: member.id, slug: member.slug, role: member.role, actor: { userId: auth.userId, apiKeyId: null } })
  }
  await next()
})
