import {
  PostgresAdapter,
  PostgresDriver,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely'
import type postgres from 'postgres'
import { PLAN_ONCE } from './queries/arrays.ts'

/**
 * Statements with at most this many parameters are prepared once per connection and then only
 * bound and executed. postgres.js prepares nothing it is handed as text, and for an unprepared
 * statement with parameters it first asks the server for their types: two round trips and two
 * parses for every query. Statements with more parameters are bulk writes whose text varies with
 * the row count; preparing each shape would fill every connection's statement cache.
 */
export const PREPARE_MAX_PARAMETERS = 64

/**
 * A list sent as one array parameter (db/queries/arrays.ts casts it: `$3::text[]`). Such a
 * statement is not prepared: after five runs PostgreSQL may settle on one plan for every call,
 * made without knowing the list's length, and a plan made for ten keys was measured to take
 * seconds on two thousand. A statement whose plan cannot depend on the lists' lengths says so
 * with `planOnce` (db/queries/arrays.ts) and is prepared.
 */
const ARRAY_PARAMETER = /\$\d+::[\w ]+\[\]/

/** Whether a statement is prepared (see PREPARE_MAX_PARAMETERS, ARRAY_PARAMETER and `planOnce`). */
export function isPrepared(query: Pick<CompiledQuery, 'sql' | 'parameters'>): boolean {
  return (
    query.parameters.length <= PREPARE_MAX_PARAMETERS &&
    (query.sql.startsWith(PLAN_ONCE) || !ARRAY_PARAMETER.test(query.sql))
  )
}

/** A connection taken from the postgres.js pool for one query or one transaction. */
class PostgresJSConnection implements DatabaseConnection {
  constructor(readonly reserved: postgres.ReservedSql) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const parameters = query.parameters as postgres.ParameterOrJSON<never>[]
    const result = await this.reserved.unsafe(query.sql, parameters, { prepare: isPrepared(query) })
    const changed =
      result.command === 'INSERT' ||
      result.command === 'UPDATE' ||
      result.command === 'DELETE' ||
      result.command === 'MERGE'
    return { rows: [...result] as R[], ...(changed ? { numAffectedRows: BigInt(result.count) } : {}) }
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not used: pages are read with keyset queries')
  }
}

/**
 * Kysely's PostgreSQL driver over postgres.js: connections are reserved from its pool, and
 * transactions, savepoints and releases come from Kysely's own PostgreSQL driver.
 */
class PostgresJSDriver extends PostgresDriver implements Driver {
  constructor(private readonly client: postgres.Sql) {
    super({ pool: undefined as never })
  }

  override async init() {}

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new PostgresJSConnection(await this.client.reserve())
  }

  override async releaseConnection(connection: DatabaseConnection) {
    ;(connection as PostgresJSConnection).reserved.release()
  }

  override async destroy() {
    await this.client.end()
  }
}

/** The dialect for a PostgreSQL server through postgres.js. */
export class PostgresJSDialect implements Dialect {
  constructor(private readonly client: postgres.Sql) {}
  createAdapter() {
    return new PostgresAdapter()
  }
  createDriver() {
    return new PostgresJSDriver(this.client)
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db)
  }
}
