import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB, Group } from '../tables/index.ts'

type Db = Kysely<DB> | Transaction<DB>

export interface KeptTotals {
  deals: number
  conversions: number
  revenue: { n: number; sum: number; sumSquares: number }
  late: number
}

/** The per-arm totals kept with the deals (late deals counted apart), zero for an arm with none. */
export async function readArmTotals(db: Db, testId: number): Promise<Record<Group, KeptTotals>> {
  const rows = await db.selectFrom('arm_totals').selectAll().where('test_id', '=', testId).execute()
  const arm = (group: Group): KeptTotals => {
    const r = rows.find((x) => x.group === group)
    return {
      deals: r?.deals ?? 0,
      conversions: r?.conversions ?? 0,
      revenue: { n: r?.revenue_n ?? 0, sum: r?.revenue_sum ?? 0, sumSquares: r?.revenue_sum_squares ?? 0 },
      late: r?.late_deals ?? 0,
    }
  }
  return { control: arm('control'), treatment: arm('treatment') }
}

/** Per-arm sums of each calendar day of closing, in day order. */
export function readDailyTotals(db: Db, testId: number) {
  return db
    .selectFrom('arm_daily_totals')
    .select(['day', 'group', 'deals', 'conversions', 'revenue_n', 'revenue_sum'])
    .where('test_id', '=', testId)
    .orderBy('day')
    .execute()
}

/**
 * Marks a test's deals late or in time by the rule "closed after the completion" (`lateAfter`;
 * null: none is late) and returns how many changed. Run when a test completes or is extended.
 */
export async function reclassifyLateDeals(trx: Transaction<DB>, testId: number, lateAfter: Date | null) {
  const late = lateAfter === null ? sql<boolean>`false` : sql<boolean>`(closed_at > ${lateAfter})`
  const result = await trx
    .updateTable('deals')
    .set({ late })
    .where('test_id', '=', testId)
    .where(sql<boolean>`late <> ${late}`)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/**
 * Rebuilds a test's kept totals from its deals: the per-arm sums (late deals counted apart) and
 * the daily sums by calendar day in the workspace's time zone. Used after deals change their late
 * flag in bulk; ordinary ingestion adjusts the totals by deltas instead.
 */
export async function recountTotals(trx: Transaction<DB>, testId: number, timeZone: string) {
  await sql`delete from arm_totals where test_id = ${testId}`.execute(trx)
  await sql`delete from arm_daily_totals where test_id = ${testId}`.execute(trx)
  await sql`
    insert into arm_totals (test_id, "group", deals, conversions, revenue_n, revenue_sum, revenue_sum_squares,
      late_deals, first_closed_at, last_closed_at)
    select ${testId}, g."group",
      count(d.id) filter (where not d.late)::int, count(d.id) filter (where not d.late and d.converted)::int,
      count(d.revenue) filter (where not d.late)::int, coalesce(sum(d.revenue) filter (where not d.late), 0),
      coalesce(sum(d.revenue * d.revenue) filter (where not d.late), 0)::float8,
      count(d.id) filter (where d.late)::int,
      min(d.closed_at) filter (where not d.late), max(d.closed_at) filter (where not d.late)
    from (values ('control'), ('treatment')) as g("group")
    left join deals d on d.test_id = ${testId} and d."group" = g."group"
    group by g."group"`.execute(trx)
  await sql`
    insert into arm_daily_totals (test_id, "group", day, deals, conversions, revenue_n, revenue_sum)
    select ${testId}, "group", (closed_at at time zone ${timeZone})::date, count(*), count(*) filter (where converted),
      count(revenue), coalesce(sum(revenue), 0)
    from deals where test_id = ${testId} and not late
    group by 2, 3`.execute(trx)
}

/** Started tests whose maximum duration is over, or that hold at least their target: candidates to complete. */
export function findTestsToCheck(db: Db, now: Date) {
  return db
    .selectFrom('tests as t')
    .leftJoin(
      db
        .selectFrom('arm_totals')
        .select((eb) => ['test_id', eb.fn.sum<number>('deals').as('deals')])
        .groupBy('test_id')
        .as('a'),
      'a.test_id',
      't.id',
    )
    .select(['t.id', 't.workspace_id'])
    .where('t.status', 'in', ['running', 'paused'])
    .where((eb) =>
      eb.or([
        eb(sql`t.started_at + make_interval(days => (t.frozen_plan->>'maxDurationDays')::int)`, '<=', now),
        eb.and([
          eb('t.status', '=', 'running'),
          eb(sql`coalesce(a.deals, 0)`, '>=', sql`(t.frozen_plan->>'targetDeals')::int`),
        ]),
        eb.and([
          eb('t.status', '=', 'running'),
          eb(sql`(t.frozen_plan->>'stopForEfficacy')::boolean`, '=', true),
        ]),
      ]),
    )
    .orderBy('t.id')
    .execute()
}
