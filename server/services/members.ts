import type { Kysely } from 'kysely'
import type { z } from '@hono/zod-openapi'
import { pageById, toPage, type Paging } from '../../db/queries/paging.ts'
import type { ApiKeyRow, CommentRow, DB, Role } from '../../db/tables/index.ts'
import { issueAccountLink } from '../auth/account-links.ts'
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

/** A name to call an invited person by until they give theirs: their email's local part. */
const provisionalName = (email: string) =>
  email.slice(0, email.indexOf('@')).slice(0, 200) || email.slice(0, 200)

/**
 * Invites a person by email. An invitation never sets a password and never tells the admin
 * whether the email has an account anywhere: a new account is made without one, an existing one
 * just gains the membership, and either way the reply is the same, with a one-time link to pass
 * on. Through it a new person chooses their own password; a person with an account signs in.
 */
export async function addMember(
  db: Kysely<DB>,
  scope: Scope,
  input: z.infer<typeof AddMember>,
  context: { origin: string; now: Date },
) {
  const invited = await db.transaction().execute(async (trx) => {
    // Made or found in one statement: two admins inviting the same new person at once get one account.
    await trx
      .insertInto('users')
      .values({ email: input.email, name: input.name ?? provisionalName(input.email), password_hash: '' })
      .onConflict((oc) => oc.column('email').doNothing())
      .execute()
    const user = await trx
      .selectFrom('users')
      .select(['id', 'email'])
      .where('email', '=', input.email)
      .executeTakeFirstOrThrow()
    const row = await trx
      .insertInto('memberships')
      .values({ workspace_id: scope.workspaceId, user_id: user.id, role: input.role })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .returningAll()
      .executeTakeFirst()
    if (!row) throw new ApiError(409, 'duplicate', 'This person is already a member')
    const invitation = await issueAccountLink(trx, {
      userId: user.id,
      purpose: 'invitation',
      workspaceId: scope.workspaceId,
      createdBy: scope.actor.userId,
      origin: context.origin,
      now: context.now,
    })
    await recordAudit(trx, {
      workspaceId: scope.workspaceId,
      actor: scope.actor,
      action: 'member.invited',
      subjectType: 'member',
      subjectId: user.id,
      after: { email: user.email, role: input.role },
    })
    return {
      userId: user.id,
      email: user.email,
      role: row.role,
      joinedAt: row.created_at.toISOString(),
      invitation: { link: invitation.link, expiresAt: invitation.expiresAt.toISOString() },
    }
  })
  console.log(
    `Invitation of ${invited.email} to workspace ${scope.slug}, to pass on (valid until ${invited.invitation.expiresAt}): ${invited.invitation.link}`,
  )
  return invited
}

/**
 * A one-time link through which a member chooses a new password. Refused for a person who also
 * belongs to a workspace the admin does not administer: whoever holds the link holds the account,
 * and with it that workspace.
 */
export async function issuePasswordReset(
  db: Kysely<DB>,
  scope: Scope,
  userId: number,
  context: { origin: string; now: Date },
) {
  const issued = await db.transaction().execute(async (trx) => {
    const member = await trx
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['users.id', 'users.email'])
      .where('memberships.workspace_id', '=', scope.workspaceId)
      .where('memberships.user_id', '=', userId)
      .executeTakeFirst()
    if (!member) throw notFound('Member')
    const elsewhere = await trx
      .selectFrom('memberships')
      .select('workspace_id')
      .where('user_id', '=', userId)
      .where('workspace_id', 'not in', (eb) =>
        eb
          .selectFrom('memberships')
          .select('workspace_id')
          .where('user_id', '=', scope.actor.userId ?? 0)
          .where('role', '=', 'admin'),
      )
      .executeTakeFirst()
    if (elsewhere)
      throw pipelineRule(
        'This person also belongs to a workspace you do not administer: they can change their password themselves, or an admin of all their workspaces can issue the link',
      )
    const link = await issueAccountLink(trx, {
      userId,
      purpose: 'reset',
      workspaceId: scope.workspaceId,
      createdBy: scope.actor.userId,
      origin: context.origin,
      now: context.now,
    })
    await recordAudit(trx, {
      workspaceId: scope.workspaceId,
      actor: scope.actor,
      action: 'member.password_reset_issued',
      subjectType: 'member',
      subjectId: userId,
      after: { email: member.email },
    })
    return { email: member.email, link: link.link, expiresAt: link.expiresAt.toISOString() }
  })
  console.log(
    `Password reset link for ${issued.email} in workspace ${scope.slug}, to pass on (valid until ${issued.expiresAt}): ${issued.link}`,
  )
  return { link: issued.link, expiresAt: issued.expiresAt }
}

/**
 * Changes a member's role; the last admin cannot be demoted or removed, so the workspace keeps one.
 * The workspace's admin rows (and the member's) are locked, in id order, before they are counted:
 * two admins demoting each other at once then take turns, and the second sees the first's change.
 */
export async function updateMember(db: Kysely<DB>, scope: Scope, userId: number, role: Role | null) {
  return db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('memberships')
      .select(['user_id', 'role'])
      .where('workspace_id', '=', scope.workspaceId)
      .where((eb) => eb.or([eb('role', '=', 'admin'), eb('user_id', '=', userId)]))
      .orderBy('user_id')
      .forUpdate()
      .execute()
    const current = locked.find((m) => m.user_id === userId)
    if (!current) throw notFound('Member')
    const otherAdmins = locked.filter((m) => m.role === 'admin' && m.user_id !== userId).length
    if (current.role === 'admin' && role !== 'admin' && otherAdmins === 0) {
      throw pipelineRule('A workspace needs at least one admin')
    }
    if (role === null)
      await trx
        .deleteFrom('memberships')
        .where('workspace_id', '=', scope.workspaceId)
        .where('user_id', '=', userId)
        .execute()
    else
      await trx
        .updateTable('memberships')
        .set({ role })
        .where('workspace_id', '=', scope.workspaceId)
        .where('user_id', '=', userId)
        .execute()
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

const toComment = (r: CommentRow) => ({
  id: r.id,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  authorId: r.author_id,
  body: r.body,
  createdAt: r.created_at.toISOString(),
})

/** The thread on one object, oldest first, a page at a time. */
export async function listComments(
  db: Kysely<DB>,
  scope: Scope,
  subject: { subjectType: keyof typeof subjectTable; subjectId: number },
  paging: Paging,
) {
  const rows = await pageById(
    db
      .selectFrom('comments')
      .selectAll()
      .where('workspace_id', '=', scope.workspaceId)
      .where('subject_type', '=', subject.subjectType)
      .where('subject_id', '=', subject.subjectId),
    'id',
    paging,
  ).execute()
  return toPage(rows.map(toComment), paging)
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
    return toComment(r)
  })
}
