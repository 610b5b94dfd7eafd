// The PostgreSQL server's dialect (db/postgres-js-dialect.ts); PGlite has its own driver, so this
// file runs on the server run only (vitest.config.ts).
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection.ts'
import { PREPARE_MAX_PARAMETERS } from '../../db/postgres-js-dialect.ts'
import { pgArray, planOnce } from '../../db/queries/arrays.ts'
import type { DB } from '../../db/tables/index.ts'
import { openTestDatabase } from '../helpers/database.ts'

let database: Database
let db: Kysely<DB>
beforeAll(async () => {
  database = await openTestDatabase()
  db = database.db
})
afterAll(async () => {
  await database?.close()
})

/** The statements prepared on one connection, after running `work` on it. */
async function preparedAfter(work: (conn: Kysely<DB>) => Promise<void>) {
  return db.connection().execute(async (conn) => {
    await work(conn)
    const { rows } = await sql<{
      statement: string
    }>`select statement from pg_prepared_statements order by prepare_time`.execute(conn)
    return rows.map((r) => r.statement)
  })
}

describe('the postgres.js dialect', () => {
  it('prepares a statement with few parameters once per connection and reuses it', async () => {
    const statements = await preparedAfter(async (conn) => {
      for (let i = 0; i < 3; i++)
        expect((await sql<{ n: number }>`select ${i}::int + 1 as n`.execute(conn)).rows).toEqual([
          { n: i + 1 },
        ])
    })
    expect(statements.filter((s) => s.includes('$1::int + 1'))).toHaveLength(1)
  })

  it('sends a statement with many parameters (a bulk write) unprepared, and answers it the same', async () => {
    const values = Array.from({ length: PREPARE_MAX_PARAMETERS + 1 }, (_, i) => i)
    const statements = await preparedAfter(async (conn) => {
      const { rows } = await sql<{ total: number }>`select (${sql.join(
        values.map((v) => sql`${v}::int`),
        sql` + `,
      )}) as total`.execute(conn)
      expect(rows).toEqual([{ total: values.reduce((a, b) => a + b, 0) }])
    })
    expect(statements.filter((s) => s.includes(`$${PREPARE_MAX_PARAMETERS + 1}`))).toEqual([])
  })

  it('plans a list sent as an array anew each call, unless the statement says its plan cannot depend on the list', async () => {
    const statements = await preparedAfter(async (conn) => {
      for (const list of [['a'], ['a', 'b', 'c']]) {
        expect(
          (await sql<{ n: number }>`select cardinality(${pgArray(list, 'text[]')}) as n`.execute(conn)).rows,
        ).toEqual([{ n: list.length }])
        expect(
          (
            await sql<{
              n: number
            }>`${planOnce}select count(*)::int as n from unnest(${pgArray(list, 'text[]')})`.execute(conn)
          ).rows,
        ).toEqual([{ n: list.length }])
      }
    })
    expect(statements.filter((s) => s.includes('cardinality'))).toEqual([])
    expect(statements.filter((s) => s.includes('from unnest'))).toHaveLength(1)
  })

  it('reports affected rows, and commits or rolls back transactions', async () => {
    const inserted = await db
      .insertInto('users')
      .values([
        { email: 'a@example.test', name: 'A', password_hash: 'x' },
        { email: 'b@example.test', name: 'B', password_hash: 'x' },
      ])
      .executeTakeFirst()
    expect(inserted.numInsertedOrUpdatedRows).toBe(2n)
    await db
      .transaction()
      .execute((trx) =>
        trx.updateTable('users').set({ name: 'A2' }).where('email', '=', 'a@example.test').execute(),
      )
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ name: 'B2' }).where('email', '=', 'b@example.test').execute()
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    const names = await db
      .selectFrom('users')
      .select('name')
      .where('email', 'in', ['a@example.test', 'b@example.test'])
      .orderBy('email')
      .execute()
    expect(names.map((r) => r.name)).toEqual(['A2', 'B'])
  })
})
