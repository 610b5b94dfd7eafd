import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/tables/index.ts'
import { findAccountLink, spendAccountLinks } from '../auth/account-links.ts'
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../auth/password.ts'
import { hashToken, newToken } from '../auth/tokens.ts'
import type { Deps } from '../context.ts'
import { ApiError } from '../errors.ts'
import { recordAudit } from './audit.ts'

export interface SignedIn {
  token: string
  expiresAt: Date
  user: { id: number; email: string; name: string }
}

const normaliseEmail = (raw: string) => raw.trim().toLowerCase()

/** The stored hash when the account has a password, else one nobody has: both cost one scrypt. */
async function hashToCheck(stored: string | undefined): Promise<string> {
  return stored?.startsWith('scrypt$') ? stored : DUMMY_HASH_PROMISE
}

const tooManyAttempts = (wait: number) =>
  new ApiError(
    429,
    'too_many_attempts',
    `Too many failed sign-ins; try again in ${wait < 60 ? `${wait} s` : `${Math.ceil(wait / 60)} min`}`,
    [{ path: 'retryAfter', message: String(wait) }],
  )
const wrongCredentials = () => new ApiError(401, 'invalid_credentials', 'Wrong email or password')

/**
 * Checks `password` for the account `email`, with the attempt reserved first (so parallel guesses
 * are counted before any is checked). An unknown email, an account without a password yet and a
 * wrong password answer alike, in the same time.
 */
async function checkPassword(deps: Deps, email: string, password: string, address: string) {
  const wait = await deps.signInThrottle.reserve(email, address, deps.clock())
  if (wait > 0) throw tooManyAttempts(wait)
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'password_hash'])
    .where('email', '=', email)
    .executeTakeFirst()
  const ok = await verifyPassword(password, await hashToCheck(user?.password_hash))
  if (!user || !ok || !user.password_hash.startsWith('scrypt$')) return undefined
  await deps.signInThrottle.succeeded(email, address)
  return user
}

async function openSession(deps: Deps, user: SignedIn['user']): Promise<SignedIn> {
  const token = newToken('cxs')
  const expiresAt = new Date(deps.clock().getTime() + deps.sessionTtlHours * 3600_000)
  await deps.db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), user_id: user.id, expires_at: expiresAt })
    .execute()
  return { token, expiresAt, user: { id: user.id, email: user.email, name: user.name } }
}

/** Checks the password and opens a session. Unknown email and wrong password answer alike. */
export async function signIn(
  deps: Deps,
  rawEmail: string,
  password: string,
  address: string,
): Promise<SignedIn> {
  const user = await checkPassword(deps, normaliseEmail(rawEmail), password, address)
  if (!user) throw wrongCredentials()
  return openSession(deps, user)
}

export async function signOut(db: Kysely<DB>, tokenHash: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now }).where('token_hash', '=', tokenHash).execute()
}

/** Signs the user out on every device, or on every other one when `except` names this session. */
export async function signOutEverywhere(
  db: Kysely<DB> | Transaction<DB>,
  userId: number,
  now: Date,
  except?: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .$if(except !== undefined, (q) => q.where('token_hash', '<>', except!))
    .execute()
}

/** One entry in the audit log of every workspace the person belongs to: each sees what their members did. */
async function auditInEveryWorkspace(trx: Transaction<DB>, userId: number, action: string) {
  const workspaces = await trx
    .selectFrom('memberships')
    .select('workspace_id')
    .where('user_id', '=', userId)
    .orderBy('workspace_id')
    .execute()
  for (const { workspace_id } of workspaces)
    await recordAudit(trx, {
      workspaceId: workspace_id,
      actor: { userId, apiKeyId: null },
      action,
      subjectType: 'member',
      subjectId: userId,
    })
}

const MIN_PASSWORD = 8

const passwordTooShort = (path: string) =>
  new ApiError(400, 'invalid_input', `Invalid body: ${path} at least ${MIN_PASSWORD} characters`, [
    { path, message: `at least ${MIN_PASSWORD} characters` },
  ])

/**
 * Changes the signed-in user's password. The current one is asked for (and its checks counted
 * like sign-ins), so a session left open is not enough to take the account; every other session
 * ends.
 */
export async function changePassword(
  deps: Deps,
  session: { userId: number; tokenHash: string },
  input: { currentPassword: string; newPassword: string },
  address: string,
): Promise<void> {
  const user = await deps.db
    .selectFrom('users')
    .select('email')
    .where('id', '=', session.userId)
    .executeTakeFirstOrThrow()
  const checked = await checkPassword(deps, user.email, input.currentPassword, address)
  if (!checked)
    throw new ApiError(400, 'invalid_input', 'The current password is not right', [
      { path: 'body.currentPassword', message: 'is not your current password' },
    ])
  const hash = await hashPassword(input.newPassword)
  const now = deps.clock()
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', session.userId).execute()
    await signOutEverywhere(trx, session.userId, now, session.tokenHash)
    await spendAccountLinks(trx, session.userId, now)
    await auditInEveryWorkspace(trx, session.userId, 'member.password_changed')
  })
}

const badLink = () =>
  new ApiError(400, 'invalid_input', 'This link is unknown, already used or expired', [
    { path: 'body.token', message: 'unknown, already used or expired; ask your admin for a new link' },
  ])

/**
 * Opens the workspace an invitation is for. A person without a password yet chooses it (and may
 * give their name) and the link is spent; a person who has one signs in with it, as at the sign-in
 * page, and the link can set nothing.
 */
export async function acceptInvitation(
  deps: Deps,
  input: { token: string; password: string; name?: string | undefined },
  address: string,
): Promise<SignedIn> {
  const now = deps.clock()
  const link = await findAccountLink(deps.db, input.token, 'invitation', now)
  if (!link) throw badLink()
  if (link.password_hash.startsWith('scrypt$')) {
    const user = await checkPassword(deps, link.email, input.password, address)
    if (!user) throw wrongCredentials()
    await deps.db.transaction().execute(async (trx) => {
      const spent = await spendLink(trx, input.token, now)
      if (spent && link.workspace_id !== null) await auditAcceptance(trx, link.workspace_id, link.user_id)
    })
    return openSession(deps, user)
  }
  if (input.password.length < MIN_PASSWORD) throw passwordTooShort('body.password')
  const hash = await hashPassword(input.password)
  const user = await deps.db.transaction().execute(async (trx) => {
    const current = await findAccountLink(trx, input.token, 'invitation', now, true)
    if (!current) throw badLink()
    // Only while the account still has no password: of two links used at once, one sets it.
    const updated = await trx
      .updateTable('users')
      .set({ password_hash: hash, ...(input.name ? { name: input.name } : {}) })
      .where('id', '=', current.user_id)
      .where('password_hash', 'not like', 'scrypt$%')
      .returning(['id', 'email', 'name'])
      .executeTakeFirst()
    if (!updated) throw badLink()
    await spendAccountLinks(trx, current.user_id, now)
    if (current.workspace_id !== null) await auditAcceptance(trx, current.workspace_id, current.user_id)
    return updated
  })
  return openSession(deps, user)
}

async function spendLink(trx: Transaction<DB>, token: string, now: Date) {
  return trx
    .updateTable('account_links')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
}

async function auditAcceptance(trx: Transaction<DB>, workspaceId: number, userId: number) {
  await recordAudit(trx, {
    workspaceId,
    actor: { userId, apiKeyId: null },
    action: 'member.invitation_accepted',
    subjectType: 'member',
    subjectId: userId,
  })
}

/** Sets the password a member chose through an admin's reset link; every session of theirs ends. */
export async function resetPassword(
  deps: Deps,
  input: { token: string; password: string },
): Promise<SignedIn> {
  const now = deps.clock()
  const hash = await hashPassword(input.password)
  const user = await deps.db.transaction().execute(async (trx) => {
    const link = await findAccountLink(trx, input.token, 'reset', now, true)
    if (!link) throw badLink()
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', link.user_id).execute()
    await spendAccountLinks(trx, link.user_id, now)
    await signOutEverywhere(trx, link.user_id, now)
    if (link.workspace_id !== null)
      await recordAudit(trx, {
        workspaceId: link.workspace_id,
        actor: { userId: link.user_id, apiKeyId: null },
        action: 'member.password_reset',
        subjectType: 'member',
        subjectId: link.user_id,
      })
    return { id: link.user_id, email: link.email, name: link.name }
  })
  return openSession(deps, user)
}

export async function describeMe(db: Kysely<DB>, userId: number) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow()
  const workspaces = await db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select([
      'workspaces.slug',
      'workspaces.name',
      'workspaces.locale',
      'workspaces.currency',
      'memberships.role',
    ])
    .where('memberships.user_id', '=', userId)
    .orderBy('workspaces.slug')
    .execute()
  return { user, workspaces }
}
