import { sql, type Kysely } from 'kysely'

// The whole pipeline in one migration: workspace → segment → journey → stage → barrier →
// recommendation → hypothesis → test → decision, with the people, keys and audit around it.
// Every enum and range is a check constraint so the database refuses what the API would.
const up_statements = [
  `create table workspaces (
    id bigint generated always as identity primary key,
    slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name text not null check (length(name) between 1 and 200),
    locale text not null default 'en' check (locale in ('en', 'ru')),
    webhook_url text check (webhook_url is null or webhook_url ~ '^https?://'),
    webhook_secret text,
    created_at timestamptz not null default now()
  )`,
  `create table users (
    id bigint generated always as identity primary key,
    email text not null check (email = lower(email) and email like '%_@_%'),
    name text not null check (length(name) between 1 and 200),
    password_hash text not null,
    created_at timestamptz not null default now()
  )`,
  `create unique index users_email_key on users (email)`,
  `create table memberships (
    workspace_id bigint not null references workspaces on delete cascade,
    user_id bigint not null references users on delete cascade,
    role text not null check (role in ('marketer', 'analyst', 'leader', 'admin')),
    created_at timestamptz not null default now(),
    primary key (workspace_id, user_id)
  )`,
  `create index memberships_user_idx on memberships (user_id)`,
  `create table sessions (
    token_hash text primary key,
    user_id bigint not null references users on delete cascade,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz
  )`,
  `create index sessions_user_idx on sessions (user_id)`,
  `create table api_keys (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    name text not null check (length(name) between 1 and 200),
    prefix text not null,
    key_hash text not null unique,
    scopes text[] not null default '{ingest}' check (scopes <@ array['ingest']::text[]),
    created_by bigint references users on delete set null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  `create index api_keys_workspace_idx on api_keys (workspace_id, id)`,
  `create table segments (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    name text not null check (length(name) between 1 and 200),
    description text not null default '',
    portrait jsonb not null default '{}'::jsonb,
    yearly_deals integer check (yearly_deals >= 0),
    value_per_conversion numeric(14, 2) check (value_per_conversion >= 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index segments_workspace_idx on segments (workspace_id, id)`,
  `create table journeys (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    segment_id bigint not null references segments on delete restrict,
    name text not null check (length(name) between 1 and 200),
    description text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index journeys_workspace_idx on journeys (workspace_id, id)`,
  `create index journeys_segment_idx on journeys (segment_id)`,
  `create table stages (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    journey_id bigint not null references journeys on delete restrict,
    position integer not null check (position >= 0),
    name text not null check (length(name) between 1 and 200),
    customer_goals text not null default '',
    customer_thoughts text not null default '',
    customer_actions text not null default '',
    brand_goals text not null default '',
    external_experience text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint stages_journey_position_key unique (journey_id, position) deferrable initially immediate
  )`,
  `create index stages_workspace_idx on stages (workspace_id, id)`,
  `create table touchpoints (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    stage_id bigint not null references stages on delete cascade,
    channel text not null check (channel in ('email', 'sms', 'call', 'website', 'forum', 'outdoor', 'messenger', 'personal_account', 'showroom', 'other')),
    description text not null check (length(description) between 1 and 2000),
    created_at timestamptz not null default now()
  )`,
  `create index touchpoints_stage_idx on touchpoints (stage_id, id)`,
  `create index touchpoints_workspace_idx on touchpoints (workspace_id, id)`,
  `create table barriers (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    stage_id bigint not null references stages on delete restrict,
    title text not null check (length(title) between 1 and 200),
    description text not null default '',
    kind text not null check (kind in ('goal_clash', 'missing_information', 'process_friction', 'expectation_gap', 'trust', 'other')),
    evidence_source text not null check (evidence_source in ('interview', 'nps_survey', 'csi_survey', 'forum', 'web_analytics', 'mystery_shopper', 'other')),
    evidence_quotes text[] not null default '{}',
    share_affected double precision check (share_affected >= 0 and share_affected <= 1),
    severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
    status text not null default 'open' check (status in ('open', 'testing', 'addressed')),
    created_by bigint references users on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index barriers_workspace_idx on barriers (workspace_id, id)`,
  `create index barriers_stage_idx on barriers (stage_id)`,
  `create table recommendations (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    stage_id bigint not null references stages on delete restrict,
    barrier_id bigint references barriers on delete restrict,
    text text not null check (length(text) between 1 and 4000),
    channel text check (channel in ('email', 'sms', 'call', 'website', 'forum', 'outdoor', 'messenger', 'personal_account', 'showroom', 'other')),
    created_by bigint references users on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index recommendations_workspace_idx on recommendations (workspace_id, id)`,
  `create index recommendations_stage_idx on recommendations (stage_id)`,
  `create index recommendations_barrier_idx on recommendations (barrier_id)`,
  `create table hypotheses (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    recommendation_id bigint not null references recommendations on delete restrict,
    change text not null check (length(change) between 1 and 2000),
    expected_outcome text not null check (length(expected_outcome) between 1 and 2000),
    rationale text not null default '',
    primary_metric text not null check (length(primary_metric) between 1 and 200),
    baseline_rate double precision check (baseline_rate > 0 and baseline_rate < 1),
    expected_lift double precision check (expected_lift > -1 and expected_lift < 1 and expected_lift <> 0),
    value_per_conversion numeric(14, 2) check (value_per_conversion >= 0),
    ice_impact smallint check (ice_impact between 1 and 10),
    ice_confidence smallint check (ice_confidence between 1 and 10),
    ice_ease smallint check (ice_ease between 1 and 10),
    owner_id bigint references users on delete set null,
    status text not null default 'draft' check (status in ('draft', 'ready', 'testing', 'validated', 'refuted', 'inconclusive')),
    created_by bigint references users on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (baseline_rate is null or expected_lift is null or (baseline_rate + expected_lift > 0 and baseline_rate + expected_lift < 1))
  )`,
  `create index hypotheses_workspace_idx on hypotheses (workspace_id, id)`,
  `create index hypotheses_status_idx on hypotheses (workspace_id, status, id)`,
  `create index hypotheses_recommendation_idx on hypotheses (recommendation_id)`,
  `create table tests (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    hypothesis_id bigint not null references hypotheses on delete restrict,
    name text not null check (length(name) between 1 and 200),
    status text not null default 'draft' check (status in ('draft', 'running', 'paused', 'completed', 'decided')),
    control_share double precision not null default 0.5 check (control_share > 0 and control_share < 1),
    target_deals integer not null check (target_deals between 2 and 100000000),
    alpha double precision not null default 0.05 check (alpha > 0 and alpha < 0.5),
    power double precision not null default 0.8 check (power > 0 and power < 1),
    alternative text not null default 'two-sided' check (alternative in ('two-sided', 'greater')),
    min_duration_days integer not null default 0 check (min_duration_days >= 0),
    max_duration_days integer not null default 180 check (max_duration_days >= 1 and max_duration_days >= min_duration_days),
    interim_looks smallint not null default 0 check (interim_looks between 0 and 10),
    assignment_method text not null default 'hash' check (assignment_method in ('hash', 'stratified_blocks')),
    block_size smallint not null default 4 check (block_size between 2 and 100),
    salt text not null default md5(random()::text),
    frozen_plan jsonb,
    started_at timestamptz,
    completed_at timestamptz,
    completion_reason text check (completion_reason in ('target_reached', 'max_duration', 'manual')),
    created_by bigint references users on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((status = 'draft') = (started_at is null)),
    check ((status = 'draft') = (frozen_plan is null))
  )`,
  `create index tests_workspace_idx on tests (workspace_id, id)`,
  `create index tests_status_idx on tests (workspace_id, status, id)`,
  `create index tests_hypothesis_idx on tests (hypothesis_id)`,
  `create table assignments (
    id bigint generated always as identity primary key,
    test_id bigint not null references tests on delete cascade,
    customer_key text not null check (length(customer_key) between 1 and 200),
    "group" text not null check ("group" in ('control', 'treatment')),
    stratum text check (length(stratum) <= 200),
    assigned_at timestamptz not null default now(),
    constraint assignments_test_customer_key unique (test_id, customer_key)
  )`,
  `create table deals (
    id bigint generated always as identity primary key,
    test_id bigint not null references tests on delete cascade,
    external_id text not null check (length(external_id) between 1 and 200),
    customer_key text not null,
    "group" text not null check ("group" in ('control', 'treatment')),
    closed_at timestamptz not null,
    converted boolean not null,
    revenue numeric(14, 2) check (revenue >= 0),
    attributes jsonb not null default '{}'::jsonb,
    late boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint deals_test_external_id_key unique (test_id, external_id),
    foreign key (test_id, customer_key) references assignments (test_id, customer_key)
  )`,
  `create index deals_test_group_idx on deals (test_id, "group") include (converted, revenue)`,
  `create index deals_test_closed_idx on deals (test_id, closed_at)`,
  `create table decisions (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    test_id bigint not null references tests on delete restrict,
    verdict text not null check (verdict in ('roll_out', 'reject', 'iterate', 'extend')),
    rationale text not null check (length(rationale) between 1 and 4000),
    rollout_note text not null default '',
    rollout_starts_on date,
    results jsonb,
    decided_by bigint references users on delete set null,
    decided_at timestamptz not null default now()
  )`,
  `create index decisions_test_idx on decisions (test_id, id)`,
  `create index decisions_workspace_idx on decisions (workspace_id, id)`,
  `create table comments (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    subject_type text not null check (subject_type in ('barrier', 'recommendation', 'hypothesis', 'test', 'decision')),
    subject_id bigint not null,
    author_id bigint references users on delete set null,
    body text not null check (length(body) between 1 and 4000),
    created_at timestamptz not null default now()
  )`,
  `create index comments_subject_idx on comments (workspace_id, subject_type, subject_id, id)`,
  `create table audit_log (
    id bigint generated always as identity primary key,
    workspace_id bigint not null references workspaces on delete cascade,
    actor_user_id bigint references users on delete set null,
    actor_api_key_id bigint references api_keys on delete set null,
    action text not null,
    subject_type text not null,
    subject_id bigint,
    before jsonb,
    after jsonb,
    reason text,
    at timestamptz not null default now()
  )`,
  `create index audit_log_workspace_idx on audit_log (workspace_id, id)`,
  `create index audit_log_subject_idx on audit_log (workspace_id, subject_type, subject_id, id)`,
  // Append-only in the database itself: updates and deletes of audit rows are refused.
  // (Cascading deletes of a whole workspace still go through: they are truncations of the
  // workspace, not edits of its history.)
  `create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' then
        raise exception 'audit_log is append-only' using errcode = 'P0001';
      end if;
      if not exists (select 1 from workspaces where id = old.workspace_id) then
        return old;
      end if;
      raise exception 'audit_log is append-only' using errcode = 'P0001';
    end $$`,
  `create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only()`,
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_log',
    'comments',
    'decisions',
    'deals',
    'assignments',
    'tests',
    'hypotheses',
    'recommendations',
    'barriers',
    'touchpoints',
    'stages',
    'journeys',
    'segments',
    'api_keys',
    'sessions',
    'memberships',
    'users',
    'workspaces',
  ]) {
    await sql.raw(`drop table if exists ${table} cascade`).execute(db)
  }
  await sql.raw('drop function if exists audit_log_append_only()').execute(db)
}
