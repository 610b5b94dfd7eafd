import { sql, type RawBuilder } from 'kysely'

type Scalar = string | number | boolean | null

const element = (v: Scalar) =>
  v === null
    ? 'NULL'
    : typeof v === 'string'
      ? `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
      : String(v)

/**
 * A JavaScript array as one PostgreSQL array literal parameter, cast to `type` (e.g. 'text[]').
 * Both drivers then send a single text value, so set-based `unnest(...)` inserts work the same on
 * postgres.js (whose own array inference mistypes some arrays, e.g. of booleans) and on PGlite.
 */
export function pgArray(values: readonly Scalar[], type: string): RawBuilder<unknown> {
  return sql`${`{${values.map(element).join(',')}}`}::${sql.raw(type)}`
}

/**
 * A value for a jsonb column. Sent as text and cast in SQL: postgres.js would encode a
 * JSON.stringify'd string a second time (a jsonb string), PGlite would not.
 */
export function jsonb(value: unknown): RawBuilder<unknown> {
  return sql`cast(${JSON.stringify(value)}::text as jsonb)`
}

export const PLAN_ONCE = '/* plan once */'

/**
 * Begins a statement that takes lists (`pgArray`) but whose plan does not depend on their length:
 * each element probed in a unique index, or the list only unnested into an insert. Such a statement
 * is prepared on the server like any other (db/postgres-js-dialect.ts), instead of being planned
 * for every call.
 */
export const planOnce = sql.raw(`${PLAN_ONCE} `)
