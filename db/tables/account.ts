import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

export type AccountLinkPurpose = 'invitation' | 'reset'

/**
 * A one-time link that lets a person choose their password: an invitation (a new account) or an
 * admin's reset. Only the token's SHA-256 is stored; a link is spent by setting `used_at`.
 */
export interface AccountLinksTable {
  id: Generated<number>
  token_hash: string
  user_id: number
  purpose: AccountLinkPurpose
  /** The workspace whose admin issued it: its audit log records the link's use. */
  workspace_id: number | null
  created_by: number | null
  created_at: ColumnType<Date, Date | undefined, never>
  expires_at: Date
  used_at: Date | null
}

/**
 * Sign-in attempts per key (an account at an address, or an address), reserved before the
 * password is checked; `next_allowed_at` is when the key may try again.
 */
export interface SignInAttemptsTable {
  key: string
  attempts: number
  last_attempt_at: Date
  next_allowed_at: Date
}

export type AccountLinkRow = Selectable<AccountLinksTable>
export type NewAccountLink = Insertable<AccountLinksTable>
