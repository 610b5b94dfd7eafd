import { sql, type Kysely } from 'kysely'
import type { DB, TestPlan, TestRow } from '../../db/tables/index.ts'
import * as stats from '../../stats/index.ts'
import { analysisPlan, verdictFor } from './analysis.ts'
import { completionDue } from './test-lifecycle.ts'
import type { Scope } from '../context.ts'

const DAY_MS = 86_400_000

interface PortfolioRow {
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
  decision_id: number | null
  verdict: string | null
  decided_at: Date | null
}

const noRevenue = { n: 0, sum: 0, sumSquares: 0 }
const armTotals = (counts: Record<'control' | 'treatment', { deals: number; conversions: number }>) => ({
  control: { ...counts.control, revenue: noRevenue },
  treatment: { ...counts.treatment, revenue: noRevenue },
})

/**
 * One row per test of the workspace, with its chain up to the segment, its per-arm totals and its
 * latest decision: one statement over indexes and the kept totals, never over the deals.
 */
export function portfolioStatement(workspaceId: number) {
  return sql<PortfolioRow>`
    select t.id, t.name, t.status, t.hypothesis_id, h.change, h.primary_metric, h.baseline_rate, h.expected_lift,
      t.frozen_plan, t.target_deals,
      t.started_at, t.completed_at, t.completion_reason, r.barrier_id, g.id as segment_id, g.name as segment_name, g.yearly_deals,
      coalesce(h.value_per_conversion, g.value_per_conversion) as value_per_conversion,
      coalesce(ac.deals, 0) as c_deals, coalesce(ac.conversions, 0) as c_conversions,
      coalesce(at.deals, 0) as t_deals, coalesce(at.conversions, 0) as t_conversions,
      d.id as decision_id, d.verdict, d.decided_at
    from tests t
    join hypotheses h on h.id = t.hypothesis_id
    join recommendations r on r.id = h.recommendation_id
    join stages s on s.id = r.stage_id
    join journeys j on j.id = s.journey_id
    join segments g on g.id = j.segment_id
    left join arm_totals ac on ac.test_id = t.id and ac."group" = 'control'
    left join arm_totals at on at.test_id = t.id and at."group" = 'treatment'
    left join lateral (select id, verdict, decided_at from decisions where test_id = t.id order by id desc limit 1) d on true
    where t.workspace_id = ${workspaceId}
    order by t.id`
}

/**
 * The portfolio leadership opens first: every test with its status, progress and primary result
 * (computed from the per-arm totals, never from deals), the p-values of tests concluded in the
 * period adjusted for multiplicity, the decisions waiting, and each test's expected yearly impact:
 * the absolute rise × the segment's yearly deals × the value of one conversion (the hypothesis's,
 * else the segment's), with its range from the difference's interval.
 */
export async function workspacePortfolio(
  db: Kysely<DB>,
  scope: Scope,
  query: {
    adjust: 'holm' | 'benjamini-hochberg'
    from?: string | undefined
    to?: string | undefined
    lang: 'en' | 'ru'
  },
  now: Date,
) {
  const { rows } = await portfolioStatement(scope.workspaceId).execute(db)

  const from = query.from ? new Date(`${query.from}T00:00:00Z`) : new Date(now.getTime() - 365 * DAY_MS)
  const to = query.to
    ? new Date(new Date(`${query.to}T00:00:00Z`).getTime() + DAY_MS)
    : new Date(now.getTime() + DAY_MS)
  const tests = rows.map((r) => {
    const plan = r.frozen_plan
    const counts = {
      control: { deals: Number(r.c_deals), conversions: Number(r.c_conversions) },
      treatment: { deals: Number(r.t_deals), conversions: Number(r.t_conversions) },
    }
    const total = counts.control.deals + counts.treatment.deals
    const verdict =
      plan && total > 0 && r.started_at
        ? verdictFor(
            analysisPlan(plan, r),
            armTotals(counts),
            r.status === 'completed' ||
              r.status === 'decided' ||
              completionDue(
                { status: r.status, started_at: r.started_at, frozen_plan: plan },
                r,
                armTotals(counts),
                now,
              ) !== null,
          ).verdict
        : null
    const result = verdict && {
      control: verdict.control,
      treatment: verdict.treatment,
      difference: verdict.difference,
      relativeLift: verdict.relativeLift,
      recommended: verdict.recommended,
      pValue: verdict.pValue,
      significant: verdict.significant,
      probabilityTreatmentBetter: verdict.bayes.probabilityTreatmentBetter,
      srmMismatch: verdict.srm.mismatch,
      summary: verdict.summary[query.lang],
    }
    const diff = result?.difference
    const impact =
      diff && diff.estimate !== null && r.yearly_deals !== null && r.value_per_conversion !== null
        ? {
            yearly: diff.estimate * r.yearly_deals * r.value_per_conversion,
            interval: diff.interval
              ? ([
                  diff.interval[0] * r.yearly_deals * r.value_per_conversion,
                  diff.interval[1] * r.yearly_deals * r.value_per_conversion,
                ] as const)
              : null,
            basis: { yearlyDeals: r.yearly_deals, valuePerConversion: r.value_per_conversion },
          }
        : null
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      hypothesisId: r.hypothesis_id,
      change: r.change,
      primaryMetric: r.primary_metric,
      segment: { id: r.segment_id, name: r.segment_name },
      barrierId: r.barrier_id,
      startedAt: r.started_at?.toISOString() ?? null,
      completedAt: r.completed_at?.toISOString() ?? null,
      completionReason: r.completion_reason,
      progress: {
        targetDeals: plan?.targetDeals ?? r.target_deals,
        deals: { ...{ control: counts.control.deals, treatment: counts.treatment.deals }, total },
        share: Math.min(1, total / (plan?.targetDeals ?? r.target_deals)),
      },
      result,
      impact,
      decision: r.decision_id
        ? { id: r.decision_id, verdict: r.verdict, decidedAt: r.decided_at!.toISOString() }
        : null,
      concludedInPeriod: r.completed_at !== null && r.completed_at >= from && r.completed_at < to,
    }
  })
  const concluded = tests.filter((t) => t.concludedInPeriod && t.result?.pValue != null)
  const adjusted = concluded.length
    ? stats.adjustPValues(
        concluded.map((t) => t.result!.pValue!),
        query.adjust,
      )
    : []
  return {
    tests: tests.map(({ concludedInPeriod, ...t }) => ({
      ...t,
      adjustedPValue:
        concludedInPeriod && t.result?.pValue != null
          ? adjusted[concluded.findIndex((c) => c.id === t.id)]!
          : null,
    })),
    running: tests.filter((t) => t.status === 'running' || t.status === 'paused').map((t) => t.id),
    awaitingDecision: tests.filter((t) => t.status === 'completed').map((t) => t.id),
    decided: tests.filter((t) => t.status === 'decided').map((t) => t.id),
    adjustment: {
      method: query.adjust,
      from: from.toISOString().slice(0, 10),
      to: new Date(to.getTime() - DAY_MS).toISOString().slice(0, 10),
      tests: concluded.length,
    },
  }
}
