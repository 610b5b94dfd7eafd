import type { SelectQueryBuilder } from 'kysely'

export interface Paging {
  limit: number
  cursor?: string | undefined
}

/** Keyset paging by id, ascending: stable under inserts, and an index range scan per page. */
export function pageById<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  idColumn: string,
  paging: Paging,
): SelectQueryBuilder<DB, TB, O> {
  const q =
    paging.cursor === undefined ? query : query.where(idColumn as never, '>', Number(paging.cursor) as never)
  return q.orderBy(idColumn as never, 'asc').limit(paging.limit)
}

export function toPage<T extends { id: number }>(items: T[], paging: Paging) {
  return { items, nextCursor: items.length === paging.limit ? String(items.at(-1)!.id) : null }
}
