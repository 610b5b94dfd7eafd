import { sql, type Kysely } from 'kysely'

// What running tests need: per-arm totals kept in the same transaction as the deals (so results
// and the portfolio never scan deals), the state of stratified permuted blocks, and the
// notices and webhook deliveries that tell a workspace a test has finished.
const up_statements = [
  `create table arm_totals (
    test_id bigint not null references tests on delete cascade,
    "group" text not null check ("group" in ('control', 'treatment')),
    deals integer not null default 0 check (deals >= 0),
    conversions integer not null default 0 check (conversions >= 0 and conversions <= deals),
    revenue_n integer not null default 0 check (revenue_n >= 0),
    revenue_sum double precision not null default 0,
    revenue_sum_squares double precision not null default 0,
    late_deals integer not null default 0 check (late_deals >= 0),
    first_closed_at timestamptz,
    last_closed_at timestamptz,
    primary key (test_id, "group")
  )`,
  `create table arm_daily_totals (
    test_id bigint not null references tests on delete cascade,
    "group" text not null check ("group" in ('control', 'treatment')),
    day date not null,
    deals integer not null default 0 check (deals >= 0),
    conversions integer not null default 0 check (conversions >= 0),
    revenue_n integer not null default 0,
    revenue_sum double precision not null default 0,
    primary key (test_id, day, "group")
  )`,
  `create table assignment_blocks (
    test_id bigint not null references tests on delete cascade,
    stratum text not null,
    block text[] not null,
    next_index integer not null default 0 check (next_index >= 0),
    blocks_used integer not null default 0,
    primary key (test_id, stratum)
  )`,
  `create index assignments_test_stratum_idx on assignments (test_id, stratum, "group")`,
  `create index deals_test_customer_idx on deals (test_id, customer_key)`,
  `create table notifications (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    test_id bigint references tests on delete cascade,
    kind text not null check (kind in ('test_completed')),
    payload jsonb not null,
    created_at timestamptz not null default now(),
    read_at timestamptz
  )`,
  `create index notifications_workspace_idx on notifications (workspace_id, id)`,
  `create table webhook_deliveries (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    event text not null,
    url text not null,
    payload jsonb not null,
    status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_status integer,
    last_error text,
    delivered_at timestamptz,
    created_at timestamptz not null default now()
  )`,
  `create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending'`,
  `create index webhook_deliveries_workspace_idx on webhook_deliveries (workspace_id, id)`,
  `alter table tests add column late_after timestamptz`,
  `alter table segments add column deals_per_week double precision check (deals_per_week >= 0)`,
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'alter table segments drop column deals_per_week',
    'alter table tests drop column late_after',
    'drop table webhook_deliveries',
    'drop table notifications',
    'drop index deals_test_customer_idx',
    'drop index assignments_test_stratum_idx',
    'drop table assignment_blocks',
    'drop table arm_daily_totals',
    'drop table arm_totals',
  ])
    await sql.raw(statement).execute(db)
}
