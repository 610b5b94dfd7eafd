import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export type Role = 'marketer' | 'analyst' | 'leader' | 'admin'
export type Locale = 'en' | 'ru'
type CreatedAt = ColumnType<Date, Date | undefined, never>

export interface WorkspacesTable {
  id: Generated<number>
  slug: string
  name: string
  locale: Generated<Locale>
  webhook_url: string | null
  webhook_secret: string | null
  /** IANA name; a date without a time is a whole day in this zone. */
  time_zone: Generated<string>
  /** ISO 4217 code of the money amounts. */
  currency: Generated<string>
  created_at: CreatedAt
}

export interface UsersTable {
  id: Generated<number>
  email: string
  name: string
  password_hash: string
  created_at: CreatedAt
}

export interface MembershipsTable {
  workspace_id: number
  user_id: number
  role: Role
  created_at: CreatedAt
}

export interface SessionsTable {
  token_hash: string
  user_id: number
  created_at: CreatedAt
  expires_at: Date
  revoked_at: Date | null
}

export interface ApiKeysTable {
  id: Generated<number>
  workspace_id: number
  name: string
  prefix: string
  key_hash: string
  scopes: Generated<string[]>
  created_by: number | null
  created_at: CreatedAt
  last_used_at: Date | null
  revoked_at: Date | null
}

export type WorkspaceRow = Selectable<WorkspacesTable>
export type NewWorkspace = Insertable<WorkspacesTable>
export type WorkspaceUpdate = Updateable<WorkspacesTable>
export type UserRow = Selectable<UsersTable>
export type ApiKeyRow = Selectable<ApiKeysTable>
