import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely'
import type { DB } from '../../db/tables/index.ts'
import type { Scope } from '../context.ts'
import { notFound, unknownReference } from '../errors.ts'
import { recordAudit } from './audit.ts'

/** Tables whose rows belong to one workspace and carry `id` and `workspace_id`. */
export type OwnedTable =
  | 'segments'
  | 'journeys'
  | 'stages'
  | 'touchpoints'
  | 'barriers'
  | 'recommendations'
  | 'hypotheses'
  | 'tests'
  | 'decisions'
  | 'comments'
type Db = Kysely<DB> | Transaction<DB>
/** What writing on a workspace's record needs to know of the caller. */
export type Writer = Pick<Scope, 'workspaceId' | 'actor'>
type Row<T extends OwnedTable> = Selectable<DB[T]>

// Kysely cannot type a table chosen at run time; these helpers keep that looseness in one place.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table name known only at run time
type Loose = Kysely<any>

const SUBJECT: Record<OwnedTable, string> = {
  segments: 'segment',
  journeys: 'journey',
  stages: 'stage',
  touchpoints: 'touchpoint',
  barriers: 'barrier',
  recommendations: 'recommendation',
  hypotheses: 'hypothesis',
  tests: 'test',
  decisions: 'decision',
  comments: 'comment',
}
const LABEL: Record<OwnedTable, string> = {
  segments: 'Segment',
  journeys: 'Journey',
  stages: 'Stage',
  touchpoints: 'Touchpoint',
  barriers: 'Barrier',
  recommendations: 'Recommendation',
  hypotheses: 'Hypothesis',
  tests: 'Test',
  decisions: 'Decision',
  comments: 'Comment',
}

export async function findOwned<T extends OwnedTable>(
  db: Db,
  table: T,
  workspaceId: number,
  id: number,
  forUpdate = false,
) {
  const row = await (db as Loose)
    .selectFrom(table as string)
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .$if(forUpdate, (q) => q.forUpdate())
    .executeTakeFirst()
  return row as Row<T> | undefined
}

/** The row, or a 404 that does not say whether it exists in another workspace. */
export async function getOwned<T extends OwnedTable>(
  db: Db,
  table: T,
  workspaceId: number,
  id: number,
  forUpdate = false,
) {
  const row = await findOwned(db, table, workspaceId, id, forUpdate)
  if (!row) throw notFound(LABEL[table])
  return row
}

/** A parent named in a body must exist in the same workspace: 422 naming the field otherwise. */
export async function requireReference<T extends OwnedTable>(
  db: Db,
  table: T,
  workspaceId: number,
  id: number,
  path: string,
) {
  const row = await findOwned(db, table, workspaceId, id)
  if (!row) throw unknownReference(path, SUBJECT[table])
  return row
}

export async function insertAudited<T extends OwnedTable>(
  trx: Transaction<DB>,
  scope: Writer,
  table: T,
  values: Omit<Insertable<DB[T]>, 'workspace_id'>,
) {
  const row = (await (trx as Loose)
    .insertInto(table as string)
    .values({ ...values, workspace_id: scope.workspaceId })
    .returningAll()
    .executeTakeFirstOrThrow()) as Row<T> & { id: number }
  await recordAudit(trx, {
    workspaceId: scope.workspaceId,
    actor: scope.actor,
    action: `${SUBJECT[table]}.created`,
    subjectType: SUBJECT[table],
    subjectId: row.id,
    after: row,
  })
  return row as Row<T>
}

/** Updates one row and records before/after; only changed columns are written. */
export async function updateAudited<T extends OwnedTable>(
  trx: Transaction<DB>,
  scope: Writer,
  table: T,
  id: number,
  patch: Updateable<DB[T]>,
  options: { action?: string; reason?: string | null; touch?: boolean } = {},
) {
  const before = await getOwned(trx, table, scope.workspaceId, id, true)
  // Nothing to change (an empty PATCH): the row as it is, and nothing to record.
  if (Object.keys(patch as object).length === 0) return before
  const values: Record<string, unknown> = {
    ...(patch as Record<string, unknown>),
    ...(options.touch === false ? {} : { updated_at: new Date() }),
  }
  const after = (await (trx as Loose)
    .updateTable(table as string)
    .set(values)
    .where('id', '=', id)
    .where('workspace_id', '=', scope.workspaceId)
    .returningAll()
    .executeTakeFirstOrThrow()) as Row<T>
  await recordAudit(trx, {
    workspaceId: scope.workspaceId,
    actor: scope.actor,
    action: options.action ?? `${SUBJECT[table]}.updated`,
    subjectType: SUBJECT[table],
    subjectId: id,
    before,
    after,
    reason: options.reason ?? null,
  })
  return after
}

export async function deleteAudited<T extends OwnedTable>(
  trx: Transaction<DB>,
  scope: Writer,
  table: T,
  id: number,
) {
  const before = await getOwned(trx, table, scope.workspaceId, id, true)
  await (trx as Loose)
    .deleteFrom(table as string)
    .where('id', '=', id)
    .where('workspace_id', '=', scope.workspaceId)
    .execute()
  await recordAudit(trx, {
    workspaceId: scope.workspaceId,
    actor: scope.actor,
    action: `${SUBJECT[table]}.deleted`,
    subjectType: SUBJECT[table],
    subjectId: id,
    before,
  })
}

/** Groups child ids by parent id with one query, for the links of a page of rows. */
export async function childIds(
  db: Db,
  table: OwnedTable,
  parentColumn: string,
  parentIds: number[],
): Promise<Map<number, number[]>> {
  const map = new Map<number, number[]>()
  if (parentIds.length === 0) return map
  const rows = (await (db as Loose)
    .selectFrom(table)
    .select(['id', `${parentColumn} as parent`])
    .where(parentColumn, 'in', parentIds)
    .orderBy('id')
    .execute()) as { id: number; parent: number }[]
  for (const r of rows) map.set(r.parent, [...(map.get(r.parent) ?? []), r.id])
  return map
}

/** Maps camelCase API fields to snake_case columns, skipping what the request did not send. */
export function columns<T extends Record<string, unknown>>(
  input: T,
  mapping: { [K in keyof T]?: string },
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, column] of Object.entries(mapping)) {
    if (input[key] !== undefined && column) out[column as string] = input[key]
  }
  return out
}
