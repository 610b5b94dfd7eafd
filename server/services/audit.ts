import { jsonb } from '../../db/queries/arrays.ts'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/tables/index.ts'
import type { Actor } from '../context.ts'

export type Db = Kysely<DB> | Transaction<DB>

export interface AuditEntry {
  workspaceId: number
  actor: Actor
  action: string
  subjectType: string
  subjectId: number | null
  before?: unknown
  after?: unknown
  reason?: string | null
}

/** Writes one audit entry; call it inside the transaction of the change it records. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: entry.workspaceId,
      actor_user_id: entry.actor.userId,
      actor_api_key_id: entry.actor.apiKeyId,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      before: entry.before === undefined ? null : jsonb(entry.before),
      after: entry.after === undefined ? null : jsonb(entry.after),
      reason: entry.reason ?? null,
    })
    .execute()
}

export interface AuditFilter {
  subjectType?: string | undefined
  subjectId?: number | undefined
  limit: number
  cursor?: string | undefined
}

export async function listAudit(db: Db, workspaceId: number, filter: AuditFilter) {
  const rows = await db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
    .select([
      'audit_log.id',
      'audit_log.action',
      'audit_log.subject_type',
      'audit_log.subject_id',
      'audit_log.before',
      'audit_log.after',
      'audit_log.reason',
      'audit_log.at',
      'audit_log.actor_user_id',
      'audit_log.actor_api_key_id',
      'users.email',
    ])
    .where('audit_log.workspace_id', '=', workspaceId)
    .$if(filter.subjectType !== undefined, (q) => q.where('audit_log.subject_type', '=', filter.subjectType!))
    .$if(filter.subjectId !== undefined, (q) => q.where('audit_log.subject_id', '=', filter.subjectId!))
    .$if(filter.cursor !== undefined, (q) => q.where('audit_log.id', '<', Number(filter.cursor)))
    .orderBy('audit_log.id', 'desc')
    .limit(filter.limit)
    .execute()
  return {
    items: rows.map((r) => ({
      id: r.id,
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      actor: { userId: r.actor_user_id, email: r.email, apiKeyId: r.actor_api_key_id },
      before: r.before ?? null,
      after: r.after ?? null,
      reason: r.reason,
      at: r.at.toISOString(),
    })),
    nextCursor: rows.length === filter.limit ? String(rows.at(-1)!.id) : null,
  }
}
