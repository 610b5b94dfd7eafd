import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB, TestPlan, TestRow } from '../tables/index.ts'

/** One test of the portfolio: the test, its chain up to the segment, its per-arm totals, its latest decision. */
export interface PortfolioRow {
  id: number
  name: string
  status: TestRow['status']
  hypothesis_id: number
  change: string
  primary_metric: string
  baseline_rate: number | null
  expected_lift: number | null
  frozen_plan: TestPlan | null
  target_deals: number
  started_at: Date | null
  completed_at: Date | null
  completion_reason: TestRow['completion_reason']
  barrier_id: number | null
  segment_id: number
  segment_name: string
  yearly_deals: number | null
  value_per_conversion: number | null
  c_deals: number
  c_conversions: number
  t_deals: number
  t_conversions: number
  close_out_outcome: TestRow['close_out_outcome']
  decision_id: number | null
  verdict: string | null
  decided_at: Date | null
  unproven_acknowledged: boolean | null
}

/**
 * One row per test of the workspace, with its chain up to the segment, its per-arm totals and its
 * latest decision: one statement over indexes and the kept totals, never over the deals.
 */
export function portfolioStatement(workspaceId: number) {
  return sql<PortfolioRow>`
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
    where t.workspace_id = ${workspaceId}
    order by t.id`
}

/** Runs `portfolioStatement`. */
export async function listPortfolioRows(db: Kysely<DB> | Transaction<DB>, workspaceId: number) {
  return (await portfolioStatement(workspaceId).execute(db)).rows
}
