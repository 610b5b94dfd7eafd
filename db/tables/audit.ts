import type { Generated, Selectable } from 'kysely'

export type CommentSubject = 'barrier' | 'recommendation' | 'hypothesis' | 'test' | 'decision'

export interface CommentsTable {
  id: Generated<number>
  workspace_id: number
  subject_type: CommentSubject
  subject_id: number
  author_id: number | null
  body: string
  created_at: Generated<Date>
}

/** Append-only (a trigger refuses updates and deletes): who did what, before and after. */
export interface AuditLogTable {
  id: Generated<number>
  workspace_id: number
  actor_user_id: number | null
  actor_api_key_id: number | null
  action: string
  subject_type: string
  subject_id: number | null
  before: unknown
  after: unknown
  reason: string | null
  at: Generated<Date>
}

export type CommentRow = Selectable<CommentsTable>
export type AuditRow = Selectable<AuditLogTable>
