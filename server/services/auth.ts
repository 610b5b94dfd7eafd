import type { Kysely } from 'kysely'
import type { DB } from '../../db/tables/index.ts'
import { DUMMY_HASH_PROMISE, verifyPassword } from '../auth/password.ts'
import { hashToken, newToken } from '../auth/tokens.ts'
import type { Deps } from '../context.ts'
import { ApiError } from '../errors.ts'

export interface SignedIn {
  token: string
  expiresAt: Date
  user: { id: number; email: string; name: string }
}

/** Checks the password and opens a session. Unknown email and wrong password answer alike. */
export async function signIn(
  deps: Deps,
  rawEmail: string,
  password: string,
  address: string,
): Promise<SignedIn> {
  const email = rawEmail.trim().toLowerCase()
  const now = deps.clock().getTime()
  const wait = deps.signInLimiter.retryAfter(email, address, now)
  if (wait > 0)
    throw new ApiError(
      429,
      'too_many_attempts',
      `Too many failed sign-ins; try again in ${Math.ceil(wait / 60)} min`,
      [{ path: 'retryAfter', message: String(wait) }],
    )
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'password_hash'])
    .where('email', '=', email)
    .executeTakeFirst()
  const ok = await verifyPassword(password, user?.password_hash ?? (await DUMMY_HASH_PROMISE))
  if (!user || !ok) {
    deps.signInLimiter.recordFailure(email, address, now)
    throw new ApiError(401, 'invalid_credentials', 'Wrong email or password')
  }
  deps.signInLimiter.recordSuccess(email)
  const token = newToken('cxs')
  const expiresAt = new Date(deps.clock().getTime() + deps.sessionTtlHours * 3600_000)
  await deps.db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), user_id: user.id, expires_at: expiresAt })
    .execute()
  return { token, expiresAt, user: { id: user.id, email: user.email, name: user.name } }
}

export async function signOut(db: Kysely<DB>, tokenHash: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now }).where('token_hash', '=', tokenHash).execute()
}

/** Signs the user out on every device. */
export async function signOutEverywhere(db: Kysely<DB>, userId: number, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute()
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
    .select(['workspaces.slug', 'workspaces.name', 'workspaces.locale', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .orderBy('workspaces.slug')
    .execute()
  return { user, workspaces }
}
