import { sql, type Kysely, type Transaction } from 'kysely'
import { jsonb } from './arrays.ts'
import type { DB } from '../tables/index.ts'

type Db = Kysely<DB> | Transaction<DB>

// Rows travel through JSON: the values come back as JSON types and are cast by PostgreSQL from
// text, so no driver has to guess a type (jsonb, arrays, dates, timestamps all round-trip).

/** A workspace's own row as JSON (snake_case, as stored), by its slug; undefined when there is none. */
export async function findWorkspaceDocument(db: Db, slug: string) {
  const {
    rows: [ws],
  } = await sql<{
    row: Record<string, unknown> & { id: number }
  }>`select to_jsonb(w) as row from workspaces w where slug = ${slug}`.execute(db)
  return ws?.row
}

/**
 * Every row of `table` that belongs to a workspace, as JSON, in `order` (a column list). `by`
 * says how the table's rows belong to it: by their own workspace_id, or by their test's.
 */
export async function listWorkspaceRows(
  db: Db,
  table: string,
  by: 'workspace' | 'test',
  workspaceId: number,
  order: string,
) {
  const where =
    by === 'workspace'
      ? sql`t.workspace_id = ${workspaceId}`
      : sql`t.test_id in (select id from tests where workspace_id = ${workspaceId})`
  const { rows } = await sql<{
    row: Record<string, unknown>
  }>`select to_jsonb(t) as row from ${sql.table(table)} t where ${where} order by ${sql.raw(order)}`.execute(
    db,
  )
  return rows.map((r) => r.row)
}

/** An account as it was exported, for `restoreUser`. */
export interface ExportedUser {
  email: string
  name: string
  password_hash: string
}

/** Inserts an exported account, with its old id when `id` is given (the caller checked it is free); returns its id. */
export async function restoreUser(trx: Transaction<DB>, user: ExportedUser, id: number | null) {
  const {
    rows: [created],
  } =
    id !== null
      ? await sql<{
          id: number
        }>`insert into users (id, email, name, password_hash) overriding system value values (${id}, ${user.email}, ${user.name}, ${user.password_hash}) returning id`.execute(
          trx,
        )
      : await sql<{
          id: number
        }>`insert into users (email, name, password_hash) values (${user.email}, ${user.name}, ${user.password_hash}) returning id`.execute(
          trx,
        )
  return created!.id
}

/** Moves the users' id sequence past the highest id, after accounts were inserted with their own ids. */
export async function resetUserIdSequence(trx: Transaction<DB>) {
  await sql`select setval(pg_get_serial_sequence('users', 'id'), greatest((select max(id) from users), 1))`.execute(
    trx,
  )
}

/** Moves a table's id sequence past its highest id, after rows were inserted with their own ids. */
export async function resetIdSequence(trx: Transaction<DB>, table: string) {
  await sql`select setval(pg_get_serial_sequence(${table}, 'id'), greatest((select max(id) from ${sql.table(table)}), 1))`.execute(
    trx,
  )
}

/**
 * Inserts exported rows (JSON objects keyed by column) into `table` in one statement, each value
 * cast by PostgreSQL to its column's type; with `keepIds`, the rows keep the ids they carry.
 */
export async function insertJsonRows(
  trx: Transaction<DB>,
  table: string,
  rows: readonly Record<string, unknown>[],
  keepIds: boolean,
) {
  const identity = keepIds ? sql`overriding system value` : sql``
  await sql`insert into ${sql.table(table)} ${identity} select * from jsonb_populate_recordset(null::${sql.table(table)}, ${jsonb(rows)})`.execute(
    trx,
  )
}
