import type { Kysely } from 'kysely'
import type { z } from '@hono/zod-openapi'
import type { ApiKeyRow, DB, Role } from '../../db/tables/index.ts'
import { hashPassword } from '../auth/password.ts'
import { hashToken, newToken } from '../auth/tokens.ts'
import type { Scope } from '../context.ts'
import { ApiError, notFound, pipelineRule } from '../errors.ts'
import type { AddMember, CreateComment } from '../schemas/admin.ts'
import { recordAudit } from './audit.ts'
import { requireReference, type OwnedTable } from './records.ts'

export async function listMembers(db: Kysely<DB>, scope: Scope) {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
    .where('memberships.workspace_id', '=', scope.workspaceId)
    .orderBy('users.id')
    .execute()
  return rows.map((r) => ({
    userId: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    joinedAt: r.created_at.toISOString(),
  }))
}

/** Adds a person by email; creates their account when they have none (name and password then required). */
export async function addMember(db: Kysely<DB>, scope: Scope, input: z.infer<typeof AddMember>) {
  return db.transaction().execute(async (trx) => {
    let user = await trx
      .selectFrom('users')
      .select(['id', 'email', 'name'])
      .where('email', '=', input.email)
      .executeTakeFirst()
    if (!user) {
      if (!input.name || !input.password) {
        throw pipelineRule('This person has no account yet: give a name and an initial password', [
          ...(input.name ? [] : [{ path: 'body.name', message: 'required for a new account' }]),
          ...(input.password ? [] : [{ path: 'body.password', message: 'required for a new account' }]),
        ])
      }
      user = await trx
        .insertInto('users')
        .values({ email: input.email, name: input.name, password_hash: await hashPassword(input.password) })
        .returning(['id', 'email', 'name'])
        .executeTakeFirstOrThrow()
    }
    const exists = await trx
      .selectFrom('memberships')
      .select('role')
      .where('workspace_id', '=', scope.workspaceId)
      .where('user_id', '=', user.id)
      .executeTakeFirst()
    if (exists) throw new ApiError(409, 'duplicate', 'This person is already a member')
    const row = await trx
      .insertInto('memberships')
      .values({ workspace_id: scope.workspaceId, user_id: user.id, role: input.role })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      workspaceId: scope.workspaceId,
      actor: scope.actor,
      action: 'member.added',
      subjectType: 'member',
      subjectId: user.id,
      after: { email: user.email, role: input.role },
    })
    return {
      userId: user.id,
      email: user.email,
      name: user.name,
      role: row.role,
      joinedAt: row.created_at.toISOString(),
    }
  })
}

async function adminsLeft(db: Kysely<DB>, workspaceId: number, excluding: number) {
  const { n } = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'admin')
    .where('user_id', '<>', excluding)
    .executeTakeFirstOrThrow()
  return Number(n)
}

/** Changes a member's role; the last admin cannot be demoted or removed, so the workspace keeps one. */
export async function updateMember(db: Kysely<DB>, scope: Scope, userId: number, role: Role | null) {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('memberships')
      .selectAll()
      .where('workspace_id', '=', scope.workspaceId)
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst()
    if (!current) throw notFound('Member')
    if (
      current.role === 'admin' &&
      role !== 'admin' &&
      (await adminsLeft(trx, scope.workspaceId, userId)) === 0
    ) {
      throw pipelineRule('A workspace needs at least one admin')
    }
    const where = trx
      .updateTable('memberships')
      .where('workspace_id', '=', scope.workspaceId)
      .where('user_id', '=', userId)
    if (role === null)
      await trx
        .deleteFrom('memberships')
        .where('workspace_id', '=', scope.workspaceId)
        .where('user_id', '=', userId)
        .execute()
    else await where.set({ role }).execute()
    await recordAudit(trx, {
      workspaceId: scope.workspaceId,
      actor: scope.actor,
      action: role === null ? 'member.removed' : 'member.role_changed',
      subjectType: 'member',
      subjectId: userId,
      before: { role: current.role },
      after: role === null ? null : { role },
    })
  })
}

const toApiKey = (r: ApiKeyRow) => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
})

export async function listApiKeys(db: Kysely<DB>, scope: Scope) {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .orderBy('id')
    .execute()
  return rows.map(toApiKey)
}

/** A new key for an integration; the key itself is returned once and only its hash is stored. */
export async function createApiKey(db: Kysely<DB>, scope: Scope, name: string) {
  const key = newToken('cxk')
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('api_keys')
      .values({
        workspace_id: scope.workspaceId,
        name,
        prefix: key.slice(0, 10),
        key_hash: hashToken(key),
        created_by: scope.actor.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      workspaceId: scope.workspaceId,
      actor: scope.actor,
      action: 'api_key.created',
      subjectType: 'api_key',
      subjectId: row.id,
      after: { name, prefix: row.prefix },
    })
    return { ...toApiKey(row), key }
  })
}

export async function revokeApiKey(db: Kysely<DB>, scope: Scope, id: number, now: Date) {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('workspace_id', '=', scope.workspaceId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst()
    if (!row) throw notFound('Active API key')
    await recordAudit(trx, {
      workspaceId: scope.workspaceId,
      actor: scope.actor,
      action: 'api_key.revoked',
      subjectType: 'api_key',
      subjectId: id,
    })
  })
}

const subjectTable: Record<z.infer<typeof CreateComment>['subjectType'], OwnedTable> = {
  barrier: 'barriers',
  recommendation: 'recommendations',
  hypothesis: 'hypotheses',
  test: 'tests',
  decision: 'decisions',
}

export async function listComments(
  db: Kysely<DB>,
  scope: Scope,
  subjectType: keyof typeof subjectTable,
  subjectId: number,
) {
  const rows = await db
    .selectFrom('comments')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    authorId: r.author_id,
    body: r.body,
    createdAt: r.created_at.toISOString(),
  }))
}

export async function addComment(db: Kysely<DB>, scope: Scope, input: z.infer<typeof CreateComment>) {
  return db.transaction().execute(async (trx) => {
    await requireReference(
      trx,
      subjectTable[input.subjectType],
      scope.workspaceId,
      input.subjectId,
      'body.subjectId',
    )
    const r = await trx
      .insertInto('comments')
      .values({
        workspace_id: scope.workspaceId,
        subject_type: input.subjectType,
        subject_id: input.subjectId,
        author_id: scope.actor.userId,
        body: input.body,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      workspaceId: scope.workspaceId,
      actor: scope.actor,
      action: 'comment.added',
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      after: { body: input.body },
    })
    return {
      id: r.id,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      authorId: r.author_id,
      body: r.body,
      createdAt: r.created_at.toISOString(),
    }
  })
}
