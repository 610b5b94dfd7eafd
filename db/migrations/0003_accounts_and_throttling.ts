import { sql, type Kysely } from 'kysely'

// People set their own passwords: an invitation or an admin's reset hands out a one-time link
// (its token stored as a SHA-256, expiring, used once), never a password. Failed sign-ins are
// counted in the database, so the limit holds across every API process on it; the counters are
// worthless after a crash, so their table is unlogged (no WAL, emptied by crash recovery).
const up_statements = [
  `create table account_links (
    id bigint generated always as identity primary key,
    token_hash text not null unique,
    user_id bigint not null references users on delete cascade,
    purpose text not null check (purpose in ('invitation', 'reset')),
    workspace_id bigint references workspaces on delete cascade,
    created_by bigint references users on delete set null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz,
    check (expires_at > created_at)
  )`,
  `create index account_links_user_idx on account_links (user_id) where used_at is null`,
  `create unlogged table sign_in_attempts (
    key text primary key,
    attempts integer not null check (attempts >= 1),
    last_attempt_at timestamptz not null,
    next_allowed_at timestamptz not null
  )`,
  `create index sign_in_attempts_last_idx on sign_in_attempts (last_attempt_at)`,
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of ['drop table sign_in_attempts', 'drop table account_links'])
    await sql.raw(statement).execute(db)
}
