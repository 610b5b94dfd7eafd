import type { Kysely } from 'kysely'
import { listPortfolioRows } from '../../db/queries/portfolio.ts'
import type { DB } from '../../db/tables/index.ts'
import * as stats from '../../stats/index.ts'
import { analysisPlan, verdictFor } from './analysis.ts'
import { headlineOf } from './close-out.ts'
import { completionDue } from './test-lifecycle.ts'
import type { Scope } from '../context.ts'

const DAY_MS = 86_400_000

const noRevenue = { n: 0, sum: 0, sumSquares: 0 }
const armTotals = (counts: Record<'control' | 'treatment', { deals: number; conversions: number }>) => ({
  control: { ...counts.control, revenue: noRevenue },
  treatment: { ...counts.treatment, revenue: noRevenue },
})

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
  const rows = await listPortfolioRows(db, scope.workspaceId)

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
    const totals = armTotals(counts)
    const final =
      r.status === 'completed' ||
      r.status === 'decided' ||
      (plan !== null &&
        completionDue({ status: r.status, started_at: r.started_at, frozen_plan: plan }, r, totals, now) !==
          null)
    const analysis = plan && total > 0 && r.started_at ? analysisPlan(plan, r) : null
    const verdict = analysis && verdictFor(analysis, totals, final).verdict
    const result = verdict && {
      headline: headlineOf(verdict, final, analysis!.power),
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
    // Money only for a finished test: a running test's estimate is not a result yet.
    const finished = r.status === 'completed' || r.status === 'decided'
    const diff = finished ? result?.difference : undefined
    const impact =
      diff && diff.estimate !== null && r.yearly_deals !== null && r.value_per_conversion !== null
        ? {
            conclusive: result!.significant === true,
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
      closeOut: r.close_out_outcome,
      decision: r.decision_id
        ? {
            id: r.decision_id,
            verdict: r.verdict,
            decidedAt: r.decided_at!.toISOString(),
            unprovenAcknowledged: r.unproven_acknowledged ?? false,
          }
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
  // The money leadership can count on: roll-outs whose result is proven. Others are listed apart.
  const rolledOut = tests.filter((t) => t.decision?.verdict === 'roll_out' && t.impact)
  const conclusive = rolledOut.filter((t) => t.impact!.conclusive)
  const { currency } = await db
    .selectFrom('workspaces')
    .select('currency')
    .where('id', '=', scope.workspaceId)
    .executeTakeFirstOrThrow()
  return {
    currency,
    rolledOutImpact: {
      yearly: conclusive.reduce((sum, t) => sum + t.impact!.yearly, 0),
      tests: conclusive.map((t) => t.id),
      unproven: rolledOut.filter((t) => !t.impact!.conclusive).map((t) => t.id),
    },
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
