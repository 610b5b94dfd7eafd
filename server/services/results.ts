import type { Kysely, Transaction } from 'kysely'
import { findHypothesisBasis } from '../../db/queries/lookups.ts'
import { readArmTotals, readDailyTotals, type KeptTotals } from '../../db/queries/totals.ts'
import type { DB, TestPlan, TestRow } from '../../db/tables/index.ts'
import * as stats from '../../stats/index.ts'
import type { Scope } from '../context.ts'
import { notFound, wrongState } from '../errors.ts'
import { addDays, dayInZone } from '../lib/time-zone.ts'
import {
  analysisPlan,
  scheduleBoundaries,
  verdictFor,
  type AnalysisPlan,
  type HypothesisBasis,
  type LookSchedule,
} from './analysis.ts'
import { toCloseOut } from '../schemas/test.ts'
import { balanceTable } from './assignment.ts'
import { headlineOf, suggestCloseOut } from './close-out.ts'
import { completionDue, minimumDurationEnds, plannedEnd } from './test-lifecycle.ts'

const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS

type Lang = 'en' | 'ru'
type Totals = Record<'control' | 'treatment', KeptTotals>

/**
 * Deals per arm against the target, the pace of the last four weeks, and when the target will be
 * met at that pace; with a minimum duration, a target met too early waits for it.
 */
export function progressOf(
  test: Pick<TestRow, 'status' | 'started_at' | 'completed_at'>,
  plan: TestPlan,
  deals: { control: number; treatment: number },
  recentDeals: number,
  now: Date,
) {
  const total = deals.control + deals.treatment
  const since = test.started_at
    ? Math.min(4 * WEEK_MS, Math.max(now.getTime() - test.started_at.getTime(), DAY_MS))
    : 0
  const dealsPerWeek = since > 0 ? (recentDeals * WEEK_MS) / since : 0
  const end = test.started_at ? plannedEnd(test, plan) : null
  const minimumEnds = test.started_at ? minimumDurationEnds(test, plan) : null
  const targetReached = total >= plan.targetDeals
  const started = test.status === 'running' || test.status === 'paused'
  let projectedCompletion: Date | null
  if (test.status === 'completed' || test.status === 'decided') projectedCompletion = test.completed_at
  else if (targetReached) projectedCompletion = minimumEnds && minimumEnds > now ? minimumEnds : now
  else if (dealsPerWeek > 0 && end) {
    const projected = new Date(now.getTime() + ((plan.targetDeals - total) / dealsPerWeek) * WEEK_MS)
    const atLeast = minimumEnds && projected < minimumEnds ? minimumEnds : projected
    projectedCompletion = atLeast < end ? atLeast : end
  } else projectedCompletion = end
  return {
    targetDeals: plan.targetDeals,
    deals: { ...deals, total },
    share: Math.min(1, total / plan.targetDeals),
    dealsPerWeek,
    projectedCompletion: projectedCompletion?.toISOString() ?? null,
    plannedEnd: end?.toISOString() ?? null,
    minimumDurationEnds: minimumEnds?.toISOString() ?? null,
    targetReached,
    waitingForMinimumDuration: started && targetReached && minimumEnds !== null && now < minimumEnds,
  }
}

/** Cumulative conversion per arm by calendar day of closing, with Wilson bands and the Newcombe difference. */
async function cumulativeSeries(db: Kysely<DB>, testId: number, confidence: number) {
  const days = await readDailyTotals(db, testId)
  const zero = () => ({ deals: 0, conversions: 0, revenueN: 0, revenueSum: 0 })
  const running = { control: zero(), treatment: zero() }
  const point = (day: string) => {
    const arm = (g: 'control' | 'treatment') => {
      const a = running[g]
      const w = stats.wilsonInterval(a.conversions, a.deals, confidence)
      return {
        deals: a.deals,
        conversions: a.conversions,
        rate: w.estimate,
        interval: w.interval,
        revenuePerDeal: a.revenueN > 0 ? a.revenueSum / a.deals : null,
      }
    }
    const counts = { control: running.control, treatment: running.treatment }
    const diff =
      running.control.deals > 0 && running.treatment.deals > 0
        ? stats.newcombeDifference(counts, confidence)
        : null
    return {
      day,
      control: arm('control'),
      treatment: arm('treatment'),
      difference: { estimate: diff?.estimate ?? null, interval: diff?.interval ?? null },
    }
  }
  const points: ReturnType<typeof point>[] = []
  for (let i = 0; i < days.length; i++) {
    const d = days[i]!
    const r = running[d.group]
    r.deals += d.deals
    r.conversions += d.conversions
    r.revenueN += d.revenue_n
    r.revenueSum += d.revenue_sum
    if (days[i + 1]?.day !== d.day) points.push(point(d.day))
  }
  return points
}

type Primary = ReturnType<typeof verdictFor>['verdict']['primary']

/**
 * The difference's band on each day from the plan's primary analysis, so that the chart's band is
 * clear of zero exactly when the result is significant: the score test's interval on every day (it
 * costs microseconds), at the primary's level (for a one-sided plan, the two-sided interval at 2α,
 * whose lower end is the one-sided one's), and on the last day the primary's own lower end, which
 * for the exact test is its interval's.
 */
function withPrimaryBand(series: Awaited<ReturnType<typeof cumulativeSeries>>, primary: Primary) {
  const greater = primary.alternative === 'greater'
  const alpha = greater ? Math.min(2 * primary.alpha, 0.999) : primary.alpha
  return series.map((p, i) => {
    if (p.control.deals === 0 || p.treatment.deals === 0) return p
    const day = stats.primaryAnalysis({
      control: p.control,
      treatment: p.treatment,
      method: 'score',
      alternative: 'two-sided',
      alpha,
    }).difference
    let interval = day.interval
    if (i === series.length - 1 && primary.difference.interval) {
      const [lower, upper] = primary.difference.interval
      interval = [lower, greater ? (day.interval?.[1] ?? null) : upper]
    }
    return { ...p, difference: { estimate: day.estimate, interval } }
  })
}

/**
 * Each look of the schedule the verdict stands on: its deals and information fraction, the
 * boundary and alpha spent (the same numbers the verdict uses at the current look), and whether
 * the pooled z statistic crossed the boundary on the day the look's deals were in.
 */
function interimLooks(
  plan: AnalysisPlan,
  schedule: LookSchedule,
  series: Awaited<ReturnType<typeof cumulativeSeries>>,
) {
  const bounds = scheduleBoundaries(plan, schedule)
  if (!bounds) return []
  return schedule.deals.map((needed, i) => {
    const at = series.find((p) => p.control.deals + p.treatment.deals >= needed)
    const z =
      at && at.control.deals > 0 && at.treatment.deals > 0
        ? stats.twoProportionZTest({ control: at.control, treatment: at.treatment }, 'two-sided').z
        : null
    const boundary = bounds.boundaries[i]!
    const crossed = z !== null && (plan.alternative === 'greater' ? z >= boundary : Math.abs(z) >= boundary)
    return {
      look: i + 1,
      informationFraction: schedule.fractions[i]!,
      deals: needed,
      boundary,
      alphaSpent: bounds.cumulativeAlpha[i]!,
      reached: i < schedule.reached,
      day: at?.day ?? null,
      z,
      crossed,
    }
  })
}

const countsOf = (totals: Totals) => ({
  control: { deals: totals.control.deals, conversions: totals.control.conversions },
  treatment: { deals: totals.treatment.deals, conversions: totals.treatment.conversions },
})

/** The results a decision is made on, kept with it: per-arm totals and the final verdict, as of now. */
export async function decisionSnapshot(db: Kysely<DB> | Transaction<DB>, test: TestRow) {
  const [totals, hypothesis] = await Promise.all([
    readArmTotals(db, test.id),
    findHypothesisBasis(db, test.hypothesis_id),
  ])
  const { summary, ...verdict } = verdictFor(
    analysisPlan(test.frozen_plan!, hypothesis),
    totals,
    true,
  ).verdict
  return { totals: countsOf(totals), verdict, summary }
}

type DecisionSnapshot = Awaited<ReturnType<typeof decisionSnapshot>>

/**
 * The decision a test was decided on, and whether its data changed since: the totals kept with
 * the decision against today's. A later outcome or a corrected deal makes `changedSinceDecision`
 * true, and the report says so.
 */
function decisionCheck(
  decision: { id: number; verdict: string; decided_at: Date; results: unknown },
  totals: Totals,
) {
  const kept = (decision.results as DecisionSnapshot | null)?.totals ?? null
  return {
    id: decision.id,
    verdict: decision.verdict,
    decidedAt: decision.decided_at.toISOString(),
    totalsAtDecision: kept,
    changedSinceDecision: kept === null || JSON.stringify(kept) !== JSON.stringify(countsOf(totals)),
  }
}

/**
 * What the practice's usual samples (100 and 150 closed deals) can do for this plan: the power to
 * detect the hypothesis's expected lift, and the smallest rise they detect at the plan's power.
 */
export function practiceSamples(plan: TestPlan, baselineRate: number | null, expectedLift: number | null) {
  return [100, 150].map((deals) => {
    const control = Math.round(deals * plan.controlShare)
    const arms = { control, treatment: deals - control }
    if (baselineRate === null) return { deals, power: null, minimumDetectableEffect: null }
    const design = { baselineRate, alpha: plan.alpha, alternative: plan.alternative, ...arms }
    return {
      deals,
      power: expectedLift === null ? null : stats.achievedPower({ ...design, effect: expectedLift }),
      minimumDetectableEffect: stats.minimumDetectableEffect({ ...design, power: plan.power }).effect,
    }
  })
}

/**
 * A test's results, computed from its frozen plan (through `analysisPlan`) and the per-arm totals
 * kept with the deals: the verdict with its plain-language summary, progress to the target, the
 * daily cumulative series for the charts, the balance of strata, and the interim looks. Late deals
 * are left out. A read never changes the test: one whose completion is due (its time is up, or its
 * target met) says so in `completionDue` and is analysed as the final look it will be.
 */
export async function testResults(db: Kysely<DB>, scope: Scope, testId: number, lang: Lang, now: Date) {
  const row = await db
    .selectFrom('tests as t')
    .innerJoin('hypotheses as h', 'h.id', 't.hypothesis_id')
    .innerJoin('workspaces as w', 'w.id', 't.workspace_id')
    .selectAll('t')
    .select(['h.baseline_rate', 'h.expected_lift', 'w.time_zone', 'w.currency'])
    .where('t.id', '=', testId)
    .where('t.workspace_id', '=', scope.workspaceId)
    .executeTakeFirst()
  if (!row) throw notFound('Test')
  const { baseline_rate, expected_lift, time_zone, currency, ...test } = row
  const hypothesis: HypothesisBasis = { baseline_rate, expected_lift }
  if (test.status === 'draft' || !test.frozen_plan)
    throw wrongState('The test has not started: there are no results yet')
  const plan = test.frozen_plan
  const analysis = analysisPlan(plan, hypothesis)
  const [totals, series, balance, decision] = await Promise.all([
    readArmTotals(db, testId),
    cumulativeSeries(db, testId, 1 - plan.alpha),
    plan.assignmentMethod === 'stratified_blocks' ? balanceTable(db, testId) : Promise.resolve([]),
    test.status === 'decided'
      ? db
          .selectFrom('decisions')
          .select(['id', 'verdict', 'decided_at', 'results'])
          .where('test_id', '=', testId)
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst()
      : Promise.resolve(undefined),
  ])
  // The pace: deals closed in the last four weeks (calendar days in the workspace's zone).
  const since = addDays(dayInZone(now, time_zone), -28)
  const dealsBy = (p: (typeof series)[number] | undefined) => (p ? p.control.deals + p.treatment.deals : 0)
  const recent = dealsBy(series.at(-1)) - dealsBy(series.findLast((p) => p.day < since))
  const due = completionDue(test, hypothesis, totals, now)
  const final = test.status === 'completed' || test.status === 'decided' || due !== null
  const progress = progressOf(
    test,
    plan,
    { control: totals.control.deals, treatment: totals.treatment.deals },
    recent,
    now,
  )
  const { verdict, schedule } = verdictFor(analysis, totals, final)
  const band = withPrimaryBand(series, verdict.primary)
  return {
    test: {
      id: test.id,
      name: test.name,
      status: test.status,
      startedAt: test.started_at?.toISOString() ?? null,
      completedAt: test.completed_at?.toISOString() ?? null,
      completionReason: test.completion_reason,
      completionDue: due && { reason: due.reason, at: due.at.toISOString() },
    },
    currency,
    timeZone: time_zone,
    plan: {
      ...plan,
      primaryMethod: plan.primaryMethod ?? null,
      stopForEfficacy: analysis.stopForEfficacy,
      lookDeals: analysis.lookDeals,
    },
    provisional: !final && !(analysis.sequential && schedule.reached >= 1),
    progress,
    planning: {
      baselineRate: hypothesis.baseline_rate,
      expectedLift: hypothesis.expected_lift,
      practice: practiceSamples(plan, hypothesis.baseline_rate, hypothesis.expected_lift),
    },
    headline: headlineOf(verdict, final, analysis.power),
    lateDeals: totals.control.late + totals.treatment.late,
    closeOut: {
      suggestion: final ? suggestCloseOut(verdict, analysis.power) : null,
      recorded: toCloseOut(test),
    },
    decision: decision ? decisionCheck(decision, totals) : null,
    verdict,
    summary: verdict.summary[lang],
    series: band,
    balance,
    interimLooks: interimLooks(analysis, schedule, series),
  }
}
