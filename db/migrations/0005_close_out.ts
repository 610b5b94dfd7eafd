import { sql, type Kysely } from 'kysely'

// The analyst's close-out of a completed test (did the hypothesis hold, and what was learned),
// which the hypothesis's status now follows; and what leadership's decision adds: an explicit
// acknowledgement when it rolls out what was not proven, and whether the roll-out removes the
// barrier or only reduces it (a barrier can now be mitigated). A hypothesis names how many deals a
// year pass its stage, for the money a roll-out is worth.
const up_statements = [
  `alter table tests add column close_out_outcome text check (close_out_outcome in ('supported', 'refuted', 'inconclusive'))`,
  `alter table tests add column close_out_suggested text check (close_out_suggested in ('supported', 'refuted', 'inconclusive'))`,
  `alter table tests add column close_out_learnings text not null default '' check (length(close_out_learnings) <= 4000)`,
  `alter table tests add column closed_out_by bigint references users on delete set null`,
  `alter table tests add column closed_out_at timestamptz`,
  `alter table tests add constraint tests_close_out_check check (
    (close_out_outcome is null) = (closed_out_at is null)
    and (close_out_outcome is null or status in ('completed', 'decided')))`,
  `alter table decisions add column unproven_acknowledged boolean not null default false`,
  `alter table decisions add column barrier_effect text check (barrier_effect in ('addressed', 'mitigated'))`,
  `alter table barriers drop constraint barriers_status_check`,
  `alter table barriers add constraint barriers_status_check check (status in ('open', 'testing', 'addressed', 'mitigated'))`,
  `alter table hypotheses add column yearly_eligible_deals integer check (yearly_eligible_deals >= 0)`,
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'alter table hypotheses drop column yearly_eligible_deals',
    `update barriers set status = 'addressed' where status = 'mitigated'`,
    'alter table barriers drop constraint barriers_status_check',
    `alter table barriers add constraint barriers_status_check check (status in ('open', 'testing', 'addressed'))`,
    'alter table decisions drop column barrier_effect',
    'alter table decisions drop column unproven_acknowledged',
    'alter table tests drop constraint tests_close_out_check',
    'alter table tests drop column closed_out_at',
    'alter table tests drop column closed_out_by',
    'alter table tests drop column close_out_learnings',
    'alter table tests drop column close_out_suggested',
    'alter table tests drop column close_out_outcome',
  ])
    await sql.raw(statement).execute(db)
}
