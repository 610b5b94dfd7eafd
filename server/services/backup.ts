import type { Kysely } from 'kysely'
import {
  findWorkspaceDocument,
  insertJsonRows,
  listWorkspaceRows,
  resetIdSequence,
  resetUserIdSequence,
  restoreUser,
} from '../../db/queries/backup.ts'
import type { DB, Role } from '../../db/tables/index.ts'
import { ApiError } from '../errors.ts'

/**
 * A workspace as one JSON document: every row of its pipeline, tests, assignments, deals, totals,
 * decisions, comments, notices, deliveries and audit log, as stored (snake_case, with ids). Members
 * travel with their email, name, role and password hash. Importing restores the rows with the same
 * ids into a database that does not hold them yet (the backup case), and matches members to
 * existing accounts by email, so a round trip is exact.
 */
export interface WorkspaceExport {
  format: 'cx-workbench-workspace'
  version: 1
  workspace: Record<string, unknown>
  members: {
    email: string
    name: string
    password_hash: string
    role: Role
    created_at: unknown
    user_id: number
  }[]
  tables: Record<string, Record<string, unknown>[]>
}

// Insertion order follows the foreign keys; `by` says how a table's rows belong to the workspace.
const TABLES: { name: keyof DB & string; by: 'workspace' | 'test'; order: string }[] = [
  { name: 'api_keys', by: 'workspace', order: 'id' },
  { name: 'segments', by: 'workspace', order: 'id' },
  { name: 'journeys', by: 'workspace', order: 'id' },
  { name: 'stages', by: 'workspace', order: 'id' },
  { name: 'touchpoints', by: 'workspace', order: 'id' },
  { name: 'barriers', by: 'workspace', order: 'id' },
  { name: 'recommendations', by: 'workspace', order: 'id' },
  { name: 'hypotheses', by: 'workspace', order: 'id' },
  { name: 'tests', by: 'workspace', order: 'id' },
  { name: 'assignments', by: 'test', order: 'id' },
  { name: 'assignment_blocks', by: 'test', order: 'test_id, stratum' },
  { name: 'deals', by: 'test', order: 'id' },
  { name: 'arm_totals', by: 'test', order: 'test_id, "group"' },
  { name: 'arm_daily_totals', by: 'test', order: 'test_id, day, "group"' },
  { name: 'decisions', by: 'workspace', order: 'id' },
  { name: 'comments', by: 'workspace', order: 'id' },
  { name: 'notifications', by: 'workspace', order: 'id' },
  { name: 'webhook_deliveries', by: 'workspace', order: 'id' },
  { name: 'audit_log', by: 'workspace', order: 'id' },
]

/** Columns holding a user's id, per table: remapped to the importing database's accounts. */
const USER_COLUMNS: Record<string, string[]> = {
  api_keys: ['created_by'],
  barriers: ['created_by'],
  recommendations: ['created_by'],
  hypotheses: ['created_by', 'owner_id'],
  tests: ['created_by'],
  decisions: ['decided_by'],
  comments: ['author_id'],
  audit_log: ['actor_user_id'],
}

export async function exportWorkspace(db: Kysely<DB>, slug: string): Promise<WorkspaceExport> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const ws = await findWorkspaceDocument(trx, slug)
      if (!ws) throw new ApiError(404, 'not_found', `No workspace "${slug}"`)
      const workspaceId = ws.id
      const members = await trx
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select([
          'users.id as user_id',
          'users.email',
          'users.name',
          'users.password_hash',
          'memberships.role',
          'memberships.created_at',
        ])
        .where('memberships.workspace_id', '=', workspaceId)
        .orderBy('users.email')
        .execute()
      const tables: Record<string, Record<string, unknown>[]> = {}
      for (const t of TABLES)
        tables[t.name] = await listWorkspaceRows(trx, t.name, t.by, workspaceId, t.order)
      return {
        format: 'cx-workbench-workspace',
        version: 1,
        workspace: ws,
        members: members.map((m) => ({ ...m, created_at: m.created_at.toISOString() })),
        tables,
      }
    })
}

/** Restores an exported workspace; refuses when its slug or any of its rows is already there. */
export async function importWorkspace(
  db: Kysely<DB>,
  data: WorkspaceExport,
): Promise<{ slug: string; rows: number }> {
  if (data?.format !== 'cx-workbench-workspace' || data.version !== 1)
    throw new ApiError(400, 'invalid_input', 'Not a workspace export of this format')
  return db.transaction().execute(async (trx) => {
    const slug = String(data.workspace.slug)
    if (await trx.selectFrom('workspaces').select('id').where('slug', '=', slug).executeTakeFirst()) {
      throw new ApiError(409, 'duplicate', `A workspace "${slug}" already exists here`)
    }
    const userIds = new Map<number, number>()
    for (const m of data.members) {
      // An account with the same email is the same person; otherwise the account is restored, with
      // its old id when that id is free.
      const existing = await trx
        .selectFrom('users')
        .select('id')
        .where('email', '=', m.email)
        .executeTakeFirst()
      if (existing) {
        userIds.set(m.user_id, existing.id)
        continue
      }
      const idFree = !(await trx
        .selectFrom('users')
        .select('id')
        .where('id', '=', m.user_id)
        .executeTakeFirst())
      userIds.set(m.user_id, await restoreUser(trx, m, idFree ? m.user_id : null))
    }
    await resetUserIdSequence(trx)
    const insert = async (table: string, rows: Record<string, unknown>[]) => {
      if (rows.length === 0) return
      const keepIds = 'id' in rows[0]!
      for (let i = 0; i < rows.length; i += 5000)
        await insertJsonRows(trx, table, rows.slice(i, i + 5000), keepIds)
      if (keepIds) await resetIdSequence(trx, table)
    }
    await insert('workspaces', [data.workspace])
    await trx
      .insertInto('memberships')
      .values(
        data.members.map((m) => ({
          workspace_id: Number(data.workspace.id),
          user_id: userIds.get(m.user_id)!,
          role: m.role,
          created_at: new Date(String(m.created_at)),
        })),
      )
      .execute()
    let count = 1 + data.members.length
    for (const t of TABLES) {
      const columns = USER_COLUMNS[t.name] ?? []
      const rows = (data.tables[t.name] ?? []).map((row) => {
        const copy = { ...row }
        for (const c of columns) if (copy[c] != null) copy[c] = userIds.get(Number(copy[c])) ?? null
        if (t.name === 'audit_log' && copy.subject_type === 'member' && copy.subject_id != null)
          copy.subject_id = userIds.get(Number(copy.subject_id)) ?? copy.subject_id
        return copy
      })
      await insert(t.name, rows)
      count += rows.length
    }
    return { slug, rows: count }
  })
}
