// The hot statements' SQL, pinned: a change to one of them shows here in review, with whether the
// postgres.js dialect prepares it (db/postgres-js-dialect.ts). Compiled only, against no database.
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
} from 'kysely'
import { describe, expect, it } from 'vitest'
import { isPrepared } from '../../db/postgres-js-dialect.ts'
import { hashAssignmentStatement } from '../../db/queries/assignments.ts'
import { orderByIceScore } from '../../db/queries/hypotheses.ts'
import {
  assignedGroupsStatement,
  recordedDealsStatement,
  upsertDealsStatement,
} from '../../db/queries/deals.ts'
import { portfolioStatement } from '../../db/queries/portfolio.ts'
import type { DB } from '../../db/tables/index.ts'

const db = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (d) => new PostgresIntrospector(d),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

/** Runs of white space as one space: the layout of a statement in its file is not pinned, its words are. */
const squash = (text: string) => text.replace(/\s+/g, ' ').trim()

function compiled(statement: RawBuilder<unknown>) {
  const query = statement.compile(db)
  return { sql: squash(query.sql), parameters: query.parameters, prepared: isPrepared(query) }
}

describe('the deal lookups and upsert of ingestion', () => {
  it('probes each customer key of a chunk on its own in the assignments, and is prepared', () => {
    expect(compiled(assignedGroupsStatement(7, ['C-1', 'C-2']))).toEqual({
      sql: squash(`/* plan once */
        select a.customer_key, a."group" from unnest($1::text[]) as k(key)
        cross join lateral (select customer_key, "group" from assignments where test_id = $2 and customer_key = k.key limit 1) as a`),
      parameters: ['{"C-1","C-2"}', 7],
      prepared: true,
    })
  })

  it('probes each external id of a chunk on its own in the deals, and is prepared', () => {
    expect(compiled(recordedDealsStatement(7, ['E-1']))).toEqual({
      sql: squash(`/* plan once */
        select d.* from unnest($1::text[]) as k(key)
        cross join lateral (
          select external_id, customer_key, "group", closed_at, closed_day_only, converted, revenue, attributes, late
          from deals where test_id = $2 and external_id = k.key limit 1
        ) as d`),
      parameters: ['{"E-1"}', 7],
      prepared: true,
    })
  })

  it('upserts a chunk of deals from one array per column, and is prepared', () => {
    const deal = {
      externalId: 'E-1',
      customerKey: 'C-1',
      group: 'control' as const,
      closedAt: new Date('2025-03-01T10:00:00Z'),
      dayOnly: false,
      converted: true,
      revenue: 12.5,
      attributes: { a: 1 },
      late: false,
    }
    expect(compiled(upsertDealsStatement(7, [deal]))).toEqual({
      sql: squash(`/* plan once */
        insert into deals (test_id, external_id, customer_key, "group", closed_at, closed_day_only, converted, revenue,
          attributes, late)
        select $1, e, k, g, c, o, v, r, a::jsonb, l
        from unnest(
          $2::text[], $3::text[],
          $4::text[], $5::timestamptz[],
          $6::boolean[], $7::boolean[],
          $8::numeric[], $9::text[],
          $10::boolean[]
        ) as t(e, k, g, c, o, v, r, a, l)
        on conflict (test_id, external_id) do update set
          closed_at = excluded.closed_at, closed_day_only = excluded.closed_day_only, converted = excluded.converted,
          revenue = excluded.revenue, attributes = excluded.attributes, late = excluded.late, updated_at = now()`),
      parameters: [
        7,
        '{"E-1"}',
        '{"C-1"}',
        '{"control"}',
        '{"2025-03-01T10:00:00.000Z"}',
        '{false}',
        '{true}',
        '{12.5}',
        '{"{\\"a\\":1}"}',
        '{false}',
      ],
      prepared: true,
    })
  })
})

describe('assigning by hash', () => {
  const statement = (input: string, requested: string) =>
    squash(`
    with t as (
      select id, salt, control_share from tests
      where id = $1 and workspace_id = $2 and status = 'running' and assignment_method = 'hash'
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
    where ${requested} and a.customer_key not in (select customer_key from inserted)`)

  it('sends one customer as plain values, so the statement is prepared once for every call', () => {
    expect(compiled(hashAssignmentStatement(3, 7, [{ customerKey: 'CRM-1' }]))).toEqual({
      sql: statement('values ($3::text, $4::text)', 'a.customer_key = $5'),
      parameters: [7, 3, 'CRM-1', '', 'CRM-1'],
      prepared: true,
    })
  })

  it('sends many customers as arrays, planned anew for each call', () => {
    const customers = [{ customerKey: 'CRM-1' }, { customerKey: 'CRM-2', stratum: 'north' }]
    expect(compiled(hashAssignmentStatement(3, 7, customers))).toEqual({
      sql: statement('select * from unnest($3::text[], $4::text[])', 'a.customer_key = any($5::text[])'),
      parameters: [7, 3, '{"CRM-1","CRM-2"}', '{"","north"}', '{"CRM-1","CRM-2"}'],
      prepared: false,
    })
  })
})

describe('the portfolio', () => {
  it('reads every test of a workspace with its chain, kept totals and latest decision in one statement', () => {
    expect(compiled(portfolioStatement(3))).toEqual({
      sql: squash(`
    select t.id, t.name, t.status, t.hypothesis_id, h.change, h.primary_metric, h.baseline_rate, h.expected_lift,
      t.frozen_plan, t.target_deals,
      t.started_at, t.completed_at, t.completion_reason, t.close_out_outcome, r.barrier_id, g.id as segment_id,
      g.name as segment_name, coalesce(h.yearly_eligible_deals, g.yearly_deals) as yearly_deals,
      coalesce(h.value_per_conversion, g.value_per_conversion) as value_per_conversion,
      coalesce(ac.deals, 0) as c_deals, coalesce(ac.conversions, 0) as c_conversions,
      coalesce(at.deals, 0) as t_deals, coalesce(at.conversions, 0) as t_conversions,
      d.id as decision_id, d.verdict, d.decided_at, d.unproven_acknowledged
    from tests t
    join hypotheses h on h.id = t.hypothesis_id
    join recommendations r on r.id = h.recommendation_id
    join stages s on s.id = r.stage_id
    join journeys j on j.id = s.journey_id
    join segments g on g.id = j.segment_id
    left join arm_totals ac on ac.test_id = t.id and ac."group" = 'control'
    left join arm_totals at on at.test_id = t.id and at."group" = 'treatment'
    left join lateral (
      select id, verdict, decided_at, unproven_acknowledged from decisions where test_id = t.id order by id desc limit 1
    ) d on true
    where t.workspace_id = $1
    order by t.id`),
      parameters: [3],
      prepared: true,
    })
  })
})

describe('the backlog', () => {
  it('orders by ICE score, highest first and unscored last, then by id', () => {
    const query = db.selectFrom('hypotheses as h').selectAll('h').$call(orderByIceScore).compile()
    expect(query.sql).toBe(
      'select "h".* from "hypotheses" as "h" order by h.ice_impact * h.ice_confidence * h.ice_ease desc nulls last, "h"."id"',
    )
  })
})
