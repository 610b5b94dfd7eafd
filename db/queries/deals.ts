import { sql, type Insertable, type Transaction } from 'kysely'
import { pgArray, planOnce } from './arrays.ts'
import type { ArmTotalsTable, DB, Group } from '../tables/index.ts'

/** A customer's group in a test, as the deal lookups read it. */
export interface AssignedGroup {
  customer_key: string
  group: Group
}

/** A deal as recorded, as much of it as ingestion compares a new version with. */
export interface RecordedDeal {
  external_id: string
  customer_key: string
  group: Group
  closed_at: Date
  converted: boolean
  revenue: number | null
  attributes: Record<string, unknown>
  late: boolean
  closed_day_only: boolean
}

/** A deal to insert, or to write over the one recorded under its external id. */
export interface DealWrite {
  externalId: string
  customerKey: string
  group: Group
  closedAt: Date
  /** Sent as a date without a time: the whole day in the workspace's zone. */
  dayOnly: boolean
  converted: boolean
  revenue: number | null
  attributes: Record<string, unknown>
  late: boolean
}

// The deal lookups probe each key on its own in the unique index (a lateral subquery with a limit
// is never turned into a join): a chunk is a few thousand keys in a test that may hold millions of
// rows, more in the middle of a big import than the planner's statistics know of. Filtered by
// `= any(list)` or joined, PostgreSQL was measured to read all the test's rows for every chunk.

/** The groups of these customers in a test, for those assigned: one probe per key. */
export function assignedGroupsStatement(testId: number, keys: readonly string[]) {
  return sql<AssignedGroup>`${planOnce}
        select a.customer_key, a."group" from unnest(${pgArray(keys, 'text[]')}) as k(key)
        cross join lateral (select customer_key, "group" from assignments where test_id = ${testId} and customer_key = k.key limit 1) as a`
}

/** Runs `assignedGroupsStatement`; no statement for no keys. */
export async function findAssignedGroups(
  trx: Transaction<DB>,
  testId: number,
  keys: readonly string[],
): Promise<AssignedGroup[]> {
  if (keys.length === 0) return []
  return (await assignedGroupsStatement(testId, keys).execute(trx)).rows
}

/** The deals a test holds under these external ids: one probe per id. */
export function recordedDealsStatement(testId: number, externalIds: readonly string[]) {
  return sql<RecordedDeal>`${planOnce}
        select d.* from unnest(${pgArray(externalIds, 'text[]')}) as k(key)
        cross join lateral (
          select external_id, customer_key, "group", closed_at, closed_day_only, converted, revenue, attributes, late
          from deals where test_id = ${testId} and external_id = k.key limit 1
        ) as d`
}

/** Runs `recordedDealsStatement`; no statement for no ids. */
export async function findRecordedDeals(
  trx: Transaction<DB>,
  testId: number,
  externalIds: readonly string[],
): Promise<RecordedDeal[]> {
  if (externalIds.length === 0) return []
  return (await recordedDealsStatement(testId, externalIds).execute(trx)).rows
}

/**
 * Inserts a chunk of deals, or writes over those recorded under the same external ids (their
 * customer and group stay; `updated_at` moves). The lists are only unnested into the insert, so
 * the plan does not depend on their length: `planOnce`.
 */
export function upsertDealsStatement(testId: number, writes: readonly DealWrite[]) {
  const col = (f: (w: DealWrite) => string | number | boolean | null, type: string) =>
    pgArray(writes.map(f), type)
  return sql`${planOnce}
        insert into deals (test_id, external_id, customer_key, "group", closed_at, closed_day_only, converted, revenue,
          attributes, late)
        select ${testId}, e, k, g, c, o, v, r, a::jsonb, l
        from unnest(
          ${col((w) => w.externalId, 'text[]')}, ${col((w) => w.customerKey, 'text[]')},
          ${col((w) => w.group, 'text[]')}, ${col((w) => w.closedAt.toISOString(), 'timestamptz[]')},
          ${col((w) => w.dayOnly, 'boolean[]')}, ${col((w) => w.converted, 'boolean[]')},
          ${col((w) => w.revenue, 'numeric[]')}, ${col((w) => JSON.stringify(w.attributes), 'text[]')},
          ${col((w) => w.late, 'boolean[]')}
        ) as t(e, k, g, c, o, v, r, a, l)
        on conflict (test_id, external_id) do update set
          closed_at = excluded.closed_at, closed_day_only = excluded.closed_day_only, converted = excluded.converted,
          revenue = excluded.revenue, attributes = excluded.attributes, late = excluded.late, updated_at = now()`
}

/** Runs `upsertDealsStatement`. */
export async function upsertDeals(trx: Transaction<DB>, testId: number, writes: readonly DealWrite[]) {
  await upsertDealsStatement(testId, writes).execute(trx)
}

/** One changed deal: its external id and its values before and after, as the audit log keeps them. */
export interface DealChange {
  externalId: string
  before: object
  after: object
}

/** One `deal.updated` audit entry per changed deal, on the test, in one statement. */
export async function insertDealChangeAudit(
  trx: Transaction<DB>,
  writer: { workspaceId: number; actor: { userId: number | null; apiKeyId: number | null } },
  testId: number,
  changes: readonly DealChange[],
) {
  await sql`${planOnce}
        insert into audit_log (workspace_id, actor_user_id, actor_api_key_id, action, subject_type, subject_id, before, after, reason)
        select ${writer.workspaceId}, ${writer.actor.userId}, ${writer.actor.apiKeyId}, 'deal.updated', 'test', ${testId}, b::jsonb, a::jsonb, 'deal ' || e
        from unnest(${pgArray(
          changes.map((c) => c.externalId),
          'text[]',
        )}, ${pgArray(
          changes.map((c) => JSON.stringify(c.before)),
          'text[]',
        )}, ${pgArray(
          changes.map((c) => JSON.stringify(c.after)),
          'text[]',
        )}) as t(e, b, a)`.execute(trx)
}

// Totals change by deltas that may be negative (an outcome corrected from yes to no). The rows are
// created empty first and then updated, because an upsert's proposed row must itself pass the
// check constraints, which a negative delta would not.

/** What one batch changes in an arm's kept totals; the closing dates only widen the range. */
export interface ArmTotalsDelta {
  deals: number
  conversions: number
  revenueN: number
  revenueSum: number
  revenueSumSquares: number
  late: number
  firstClosedAt: Date | null
  lastClosedAt: Date | null
}

/** An arm's kept totals before its first deal: all zero, no closing dates. */
export const emptyArmTotals = (testId: number, group: Group): Insertable<ArmTotalsTable> => ({
  test_id: testId,
  group,
  deals: 0,
  conversions: 0,
  revenue_n: 0,
  revenue_sum: 0,
  revenue_sum_squares: 0,
  late_deals: 0,
  first_closed_at: null,
  last_closed_at: null,
})

/** Adds each arm's deltas to its kept totals, creating the arms' rows empty first. */
export async function addToArmTotals(
  trx: Transaction<DB>,
  testId: number,
  deltas: Record<Group, ArmTotalsDelta>,
) {
  await trx
    .insertInto('arm_totals')
    .values([emptyArmTotals(testId, 'control'), emptyArmTotals(testId, 'treatment')])
    .onConflict((oc) => oc.columns(['test_id', 'group']).doNothing())
    .execute()
  for (const group of ['control', 'treatment'] as const) {
    const d = deltas[group]
    await sql`
      update arm_totals set
        deals = deals + ${d.deals}, conversions = conversions + ${d.conversions},
        revenue_n = revenue_n + ${d.revenueN}, revenue_sum = revenue_sum + ${d.revenueSum},
        revenue_sum_squares = revenue_sum_squares + ${d.revenueSumSquares}, late_deals = late_deals + ${d.late},
        first_closed_at = least(first_closed_at, ${d.firstClosedAt}::timestamptz), last_closed_at = greatest(last_closed_at, ${d.lastClosedAt}::timestamptz)
      where test_id = ${testId} and "group" = ${group}`.execute(trx)
  }
}

/** What one batch changes in an arm's sums of one calendar day (YYYY-MM-DD in the workspace's zone). */
export interface DailyTotalsDelta {
  group: Group
  day: string
  deals: number
  conversions: number
  revenueN: number
  revenueSum: number
}

/** Adds each (arm, day)'s deltas to the daily totals, creating the missing rows empty first. */
export async function addToDailyTotals(
  trx: Transaction<DB>,
  testId: number,
  deltas: readonly DailyTotalsDelta[],
) {
  const col = <T>(f: (d: DailyTotalsDelta) => T) => deltas.map(f)
  const groups = pgArray(
    col((d) => d.group),
    'text[]',
  )
  const dates = pgArray(
    col((d) => d.day),
    'date[]',
  )
  await sql`
    insert into arm_daily_totals (test_id, "group", day)
    select ${testId}, g, d from unnest(${groups}, ${dates}) as u(g, d)
    on conflict (test_id, day, "group") do nothing`.execute(trx)
  await sql`
    update arm_daily_totals as t set
      deals = t.deals + u.n, conversions = t.conversions + u.c, revenue_n = t.revenue_n + u.rn, revenue_sum = t.revenue_sum + u.rs
    from unnest(${groups}, ${dates}, ${pgArray(
      col((d) => d.deals),
      'int[]',
    )}, ${pgArray(
      col((d) => d.conversions),
      'int[]',
    )},
      ${pgArray(
        col((d) => d.revenueN),
        'int[]',
      )}, ${pgArray(
        col((d) => d.revenueSum),
        'numeric[]',
      )}) as u(g, d, n, c, rn, rs)
    where t.test_id = ${testId} and t.day = u.d and t."group" = u.g`.execute(trx)
}
