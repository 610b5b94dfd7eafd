import { sql, type Kysely, type Transaction } from 'kysely'
import { pgArray } from './arrays.ts'
import type { DB, Group } from '../tables/index.ts'

type Db = Kysely<DB> | Transaction<DB>

/** A customer to assign; no stratum is the empty stratum. */
export interface CustomerKey {
  customerKey: string
  stratum?: string | null | undefined
}

/** A customer's assignment as the hash statement returns it: `created` when this statement inserted it. */
export interface AssignedRow {
  customer_key: string
  group: Group
  stratum: string | null
  assigned_at: Date
  created: boolean
}

/** Which of these customer keys a test has assigned already. */
export function findAssignedKeys(db: Db, testId: number, keys: readonly string[]) {
  return db
    .selectFrom('assignments')
    .select('customer_key')
    .where('test_id', '=', testId)
    .where(sql<boolean>`customer_key = any(${pgArray(keys, 'text[]')})`)
    .execute()
}

/** The assignments of these customer keys in a test (those it holds), in no particular order. */
export function readAssignments(db: Db, testId: number, keys: readonly string[]) {
  return db
    .selectFrom('assignments')
    .select(['customer_key', 'group', 'stratum', 'assigned_at'])
    .where('test_id', '=', testId)
    .where(sql<boolean>`customer_key = any(${pgArray(keys, 'text[]')})`)
    .execute()
}

/**
 * Inserts drawn groups in one set-based statement (an empty stratum is stored as null), skipping a
 * customer someone else assigned meanwhile; returns the keys this statement inserted.
 */
export async function insertAssignments(
  trx: Transaction<DB>,
  testId: number,
  rows: readonly { customerKey: string; group: Group; stratum: string }[],
): Promise<string[]> {
  const inserted = await sql<{ customer_key: string }>`
        insert into assignments (test_id, customer_key, "group", stratum)
        select ${testId}, k, g, nullif(s, '')
        from unnest(${pgArray(
          rows.map((r) => r.customerKey),
          'text[]',
        )}, ${pgArray(
          rows.map((r) => r.group),
          'text[]',
        )}, ${pgArray(
          rows.map((r) => r.stratum),
          'text[]',
        )}) as t(k, g, s)
        on conflict (test_id, customer_key) do nothing
        returning customer_key`.execute(trx)
  return inserted.rows.map((r) => r.customer_key)
}

/**
 * The hash method in one statement: the test must be running and use the hash method (else no row
 * comes back), new customers are inserted with the group computed in SQL exactly as `hashGroup`
 * (server/services/assignment.ts) computes it, and every requested customer's row is returned, the
 * ones already there with `created: false`. A customer inserted by a concurrent call after the
 * statement's snapshot is in neither part: the caller reads it back.
 */
export function hashAssignmentStatement(
  workspaceId: number,
  testId: number,
  customers: readonly CustomerKey[],
) {
  // One customer (the common call from a CRM) is passed as plain values, many as arrays: PostgreSQL
  // cannot know an array's length when it plans a prepared statement once for every call, so the
  // array form is planned anew each time, which costs more than running it.
  const [only] = customers
  const input =
    customers.length === 1
      ? sql`values (${only!.customerKey}::text, ${only!.stratum ?? ''}::text)`
      : sql`select * from unnest(${pgArray(
          customers.map((c) => c.customerKey),
          'text[]',
        )}, ${pgArray(
          customers.map((c) => c.stratum ?? ''),
          'text[]',
        )})`
  const requested =
    customers.length === 1
      ? sql<boolean>`a.customer_key = ${only!.customerKey}`
      : sql<boolean>`a.customer_key = any(${pgArray(
          customers.map((c) => c.customerKey),
          'text[]',
        )})`
  return sql<AssignedRow>`
    with t as (
      select id, salt, control_share from tests
      where id = ${testId} and workspace_id = ${workspaceId} and status = 'running' and assignment_method = 'hash'
    ), input (k, s) as (
      ${input}
    ), inserted as (
      insert into assignments (test_id, customer_key, "group", stratum)
      select t.id, i.k,
        case when ('x' || encode(substring(sha256(convert_to(t.salt || ':' || i.k, 'UTF8')) from 1 for 6), 'hex'))::bit(48)::bigint::float8 / 281474976710656 < t.control_share
          then 'control' else 'treatment' end,
        nullif(i.s, '')
      from input i cross join t
      on conflict (test_id, customer_key) do nothing
      returning customer_key, "group", stratum, assigned_at, true as created
    )
    select * from inserted
    union all
    select a.customer_key, a."group", a.stratum, a.assigned_at, false
    from assignments a join t on a.test_id = t.id
    where ${requested} and a.customer_key not in (select customer_key from inserted)`
}

/** Runs `hashAssignmentStatement`; no rows when it did not apply (or every customer came in concurrently). */
export async function insertHashAssignments(
  db: Kysely<DB>,
  workspaceId: number,
  testId: number,
  customers: readonly CustomerKey[],
): Promise<AssignedRow[]> {
  const { rows } = await hashAssignmentStatement(workspaceId, testId, customers).execute(db)
  return rows
}
