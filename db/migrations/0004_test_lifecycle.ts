import { sql, type Kysely } from 'kysely'

// What one lifecycle needs: each workspace's time zone (a date without a time is a whole day
// there) and currency; the plan's primary method and whether it may stop early for efficacy; a
// completion reason for that stop; whether a deal's closing date came without a time. Deals are
// late when they closed after the completion (not when they arrived), so the flags and the kept
// totals are recounted under that rule, and the daily totals by the workspace's calendar day.
const up_statements = [
  `alter table workspaces add column time_zone text not null default 'UTC' check (length(time_zone) between 1 and 64)`,
  `alter table workspaces add column currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$')`,
  `update workspaces set time_zone = 'Europe/Moscow', currency = 'RUB' where locale = 'ru'`,
  `alter table tests add column primary_method text check (primary_method in ('exact', 'score'))`,
  `alter table tests add column stop_for_efficacy boolean not null default false`,
  `alter table tests drop constraint tests_completion_reason_check`,
  `alter table tests add constraint tests_completion_reason_check
    check (completion_reason in ('target_reached', 'max_duration', 'manual', 'efficacy_boundary'))`,
  `update tests set late_after = completed_at where completed_at is not null`,
  `update tests set late_after = null where completed_at is null`,
  `alter table tests add constraint tests_completed_check check (
    (status in ('completed', 'decided')) = (completed_at is not null)
    and (completed_at is null) = (completion_reason is null)
    and late_after is not distinct from completed_at)`,
  `alter table deals add column closed_day_only boolean not null default false`,
  // Sums of money kept exactly, as the deals' own numeric(14, 2): a float sum drifts from the
  // deals it adds up with every re-send.
  `alter table arm_totals alter column revenue_sum type numeric using revenue_sum::numeric`,
  `alter table arm_daily_totals alter column revenue_sum type numeric using revenue_sum::numeric`,
  `update deals d set late = (t.late_after is not null and d.closed_at > t.late_after)
    from tests t where t.id = d.test_id and d.late <> (t.late_after is not null and d.closed_at > t.late_after)`,
  `update arm_totals a set deals = coalesce(s.deals, 0), conversions = coalesce(s.conversions, 0),
      revenue_n = coalesce(s.revenue_n, 0), revenue_sum = coalesce(s.revenue_sum, 0),
      revenue_sum_squares = coalesce(s.revenue_sum_squares, 0), late_deals = coalesce(s.late_deals, 0),
      first_closed_at = s.first_closed_at, last_closed_at = s.last_closed_at
    from arm_totals b left join (
      select test_id, "group",
        count(*) filter (where not late)::int as deals,
        count(*) filter (where not late and converted)::int as conversions,
        count(revenue) filter (where not late)::int as revenue_n,
        sum(revenue) filter (where not late) as revenue_sum,
        sum(revenue * revenue) filter (where not late)::float8 as revenue_sum_squares,
        count(*) filter (where late)::int as late_deals,
        min(closed_at) filter (where not late) as first_closed_at,
        max(closed_at) filter (where not late) as last_closed_at
      from deals group by test_id, "group"
    ) s on s.test_id = b.test_id and s."group" = b."group"
    where a.test_id = b.test_id and a."group" = b."group"`,
  `delete from arm_daily_totals`,
  `insert into arm_daily_totals (test_id, "group", day, deals, conversions, revenue_n, revenue_sum)
    select d.test_id, d."group", (d.closed_at at time zone w.time_zone)::date, count(*), count(*) filter (where d.converted),
      count(d.revenue), coalesce(sum(d.revenue), 0)
    from deals d join tests t on t.id = d.test_id join workspaces w on w.id = t.workspace_id
    where not d.late
    group by 1, 2, 3`,
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'alter table arm_daily_totals alter column revenue_sum type double precision',
    'alter table arm_totals alter column revenue_sum type double precision',
    'alter table deals drop column closed_day_only',
    'alter table tests drop constraint tests_completed_check',
    `update tests set completion_reason = 'manual' where completion_reason = 'efficacy_boundary'`,
    'alter table tests drop constraint tests_completion_reason_check',
    `alter table tests add constraint tests_completion_reason_check
      check (completion_reason in ('target_reached', 'max_duration', 'manual'))`,
    'alter table tests drop column stop_for_efficacy',
    'alter table tests drop column primary_method',
    'alter table workspaces drop column currency',
    'alter table workspaces drop column time_zone',
  ])
    await sql.raw(statement).execute(db)
}
