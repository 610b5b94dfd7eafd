import type { Kysely, Transaction } from 'kysely'
import type { AccountLinkPurpose, DB } from '../../db/tables/index.ts'
import { hashToken, newToken } from './tokens.ts'

/** An invitation waits a week for the person; a reset link is for now. */
const LIFETIME_MS: Record<AccountLinkPurpose, number> = {
  invitation: 7 * 24 * 3600_000,
  reset: 24 * 3600_000,
}
/** The web app's pages that take each link; the token travels after `#`, so no server log or Referer sees it. */
const PAGE: Record<AccountLinkPurpose, string> = { invitation: 'invitation', reset: 'reset-password' }

export interface IssuedLink {
  link: string
  expiresAt: Date
}

/**
 * Makes a one-time link for `userId` and stores only its token's hash. No mail server is assumed:
 * the link goes back to the admin who asked for it, to pass on, and to the server log.
 */
export async function issueAccountLink(
  trx: Transaction<DB>,
  input: {
    userId: number
    purpose: AccountLinkPurpose
    workspaceId: number
    createdBy: number | null
    origin: string
    now: Date
  },
): Promise<IssuedLink> {
  const token = newToken('cxl')
  const expiresAt = new Date(input.now.getTime() + LIFETIME_MS[input.purpose])
  await trx
    .insertInto('account_links')
    .values({
      token_hash: hashToken(token),
      user_id: input.userId,
      purpose: input.purpose,
      workspace_id: input.workspaceId,
      created_by: input.createdBy,
      created_at: input.now,
      expires_at: expiresAt,
    })
    .execute()
  return { link: `${input.origin}/${PAGE[input.purpose]}#token=${token}`, expiresAt }
}

/**
 * A link that is still good: known, of this purpose, unused and unexpired, with its person; in a
 * transaction, locked until it ends, so it is spent once.
 */
export async function findAccountLink(
  db: Kysely<DB> | Transaction<DB>,
  token: string,
  purpose: AccountLinkPurpose,
  now: Date,
  lock = false,
) {
  return db
    .selectFrom('account_links')
    .innerJoin('users', 'users.id', 'account_links.user_id')
    .select([
      'account_links.id',
      'account_links.workspace_id',
      'users.id as user_id',
      'users.email',
      'users.name',
      'users.password_hash',
    ])
    .where('account_links.token_hash', '=', hashToken(token))
    .where('account_links.purpose', '=', purpose)
    .where('account_links.used_at', 'is', null)
    .where('account_links.expires_at', '>', now)
    .$if(lock, (q) => q.forUpdate(['account_links']))
    .executeTakeFirst()
}

/** Spends every open link of a person: once they have chosen a password, no older link may set another. */
export async function spendAccountLinks(trx: Transaction<DB>, userId: number, now: Date): Promise<void> {
  await trx
    .updateTable('account_links')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute()
}
