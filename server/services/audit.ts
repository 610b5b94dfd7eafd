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
  /** Hides secrets and URLs: for readers who may not see the settings they come from (all but admins). */
  redact?: boolean
}

/** Fields whose text only admins may read: webhook URLs (which often carry a token), secrets, key prefixes. */
const ADMIN_ONLY_FIELD = /secret|password|token|hash|url|prefix/i
export const REDACTED = '[redacted]'

/** A copy of an audit value with the text of admin-only fields replaced, at any depth. */
export function redactAuditValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactAuditValue)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    out[key] = ADMIN_ONLY_FIELD.test(key) && typeof v === 'string' ? REDACTED : redactAuditValue(v)
  }
  return out
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
  const shown = filter.redact ? redactAuditValue : (v: unknown) => v
  return {
    items: rows.map((r) => ({
      id: r.id,
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      actor: { userId: r.actor_user_id, email: r.email, apiKeyId: r.actor_api_key_id },
      before: shown(r.before ?? null),
      after: shown(r.after ?? null),
      reason: r.reason,
      at: r.at.toISOString(),
    })),
    nextCursor: rows.length === filter.limit ? String(rows.at(-1)!.id) : null,
  }
}
