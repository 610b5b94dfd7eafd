import type { Kysely, Transaction } from 'kysely'
import type { DB, TestPlan, TestRow } from '../../db/tables/index.ts'
import * as stats from '../../stats/index.ts'
import type { Scope } from '../context.ts'
import { notFound, wrongState } from '../errors.ts'
import { balanceTable } from './assignment.ts'
import { checkCompletion, completionDue } from './lifecycle.ts'
import { cachedVerdict } from './verdict-cache.ts'
import { getOwned } from './records.ts'

const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS

type Lang = 'en' | 'ru'

interface Totals {
  deals: number
  conversions: number
  revenue: { n: number; sum: number; sumSquares: number }
  late: number
}

async function totalsOf(
  db: Kysely<DB> | Transaction<DB>,
  testId: number,
): Promise<Record<'control' | 'treatment', Totals>> {
  const rows = await db.selectFrom('arm_totals').selectAll().where('test_id', '=', testId).execute()
  const arm = (group: 'control' | 'treatment'): Totals => {
    const r = rows.find((x) => x.group === group)
    return {
      deals: r?.deals ?? 0,
      conversions: r?.conversions ?? 0,
      revenue: { n: r?.revenue_n ?? 0, sum: r?.revenue_sum ?? 0, sumSquares: r?.revenue_sum_squares ?? 0 },
      late: r?.late_deals ?? 0,
    }
  }
  return { control: arm('control'), treatment: arm('treatment') }
}

/** Deals per arm against the target, the pace of the last four weeks, and when the target will be met at that pace. */
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
  const plannedEnd = test.started_at
    ? new Date(test.started_at.getTime() + plan.maxDurationDays * DAY_MS)
    : null
  let projectedCompletion: string | null
  if (test.status === 'completed' || test.status === 'decided')
    projectedCompletion = test.completed_at?.toISOString() ?? null
  else if (total >= plan.targetDeals) projectedCompletion = now.toISOString()
  else if (dealsPerWeek > 0 && plannedEnd) {
    const projected = new Date(now.getTime() + ((plan.targetDeals - total) / dealsPerWeek) * WEEK_MS)
    projectedCompletion = (projected < plannedEnd ? projected : plannedEnd).toISOString()
  } else projectedCompletion = plannedEnd?.toISOString() ?? null
  return {
    targetDeals: plan.targetDeals,
    deals: { ...deals, total },
    share: Math.min(1, total / plan.targetDeals),
    dealsPerWeek,
    projectedCompletion,
    plannedEnd: plannedEnd?.toISOString() ?? null,
    targetReached: total >= plan.targetDeals,
  }
}

/** Cumulative conversion per arm by day of closing, with Wilson bands and the Newcombe difference. */
async function cumulativeSeries(db: Kysely<DB>, testId: number, confidence: number) {
  const days = await db
    .selectFrom('arm_daily_totals')
    .select(['day', 'group', 'deals', 'conversions', 'revenue_n', 'revenue_sum'])
    .where('test_id', '=', testId)
    .orderBy('day')
    .execute()
  const running = {
    control: { deals: 0, conversions: 0, revenueN: 0, revenueSum: 0 },
    treatment: { deals: 0, conversions: 0, revenueN: 0, revenueSum: 0 },
  }
  const points: ReturnType<typeof point>[] = []
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

/** Each planned look: its boundary, whether the z statistic crossed it when the look's deals were in, and the alpha spent. */
function interimLooks(plan: TestPlan, series: Awaited<ReturnType<typeof cumulativeSeries>>) {
  if (plan.interimLooks === 0) return []
  const k = plan.interimLooks + 1
  const fractions = Array.from({ length: k }, (_, i) => (i + 1) / k)
  const { boundaries, cumulativeAlpha } = stats.obrienFlemingBoundaries(plan.alpha, fractions)
  return fractions.map((fraction, i) => {
    const needed = Math.ceil(fraction * plan.targetDeals)
    const at = series.find((p) => p.control.deals + p.treatment.deals >= needed)
    const z =
      at && at.control.deals > 0 && at.treatment.deals > 0
        ? stats.twoProportionZTest({ control: at.control, treatment: at.treatment }, 'two-sided').z
        : null
    return {
      look: i + 1,
      informationFraction: fraction,
      deals: needed,
      boundary: boundaries[i]!,
      alphaSpent: cumulativeAlpha[i]!,
      reached: at !== undefined,
      day: at?.day ?? null,
      z,
      crossed: z !== null && Math.abs(z) >= boundaries[i]!,
    }
  })
}

/** The stats verdict on a test's per-arm totals (late deals excluded) against its frozen plan. */
function verdictOf(
  totals: Record<'control' | 'treatment', Totals>,
  plan: TestPlan,
  hypothesis: { baseline_rate: number | null; expected_lift: number | null },
  looksReached: number,
) {
  return cachedVerdict({
    control: { deals: totals.control.deals, conversions: totals.control.conversions },
    treatment: { deals: totals.treatment.deals, conversions: totals.treatment.conversions },
    ...(totals.control.revenue.n > 1 && totals.treatment.revenue.n > 1
      ? { revenue: { control: totals.control.revenue, treatment: totals.treatment.revenue } }
      : {}),
    plan: {
      alpha: plan.alpha,
      power: plan.power,
      alternative: plan.alternative,
      controlShare: plan.controlShare,
      targetDeals: plan.targetDeals,
      ...(hypothesis.baseline_rate !== null ? { baselineRate: hypothesis.baseline_rate } : {}),
      ...(hypothesis.expected_lift !== null ? { expectedLift: hypothesis.expected_lift } : {}),
      ...(plan.interimLooks > 0
        ? { interimLooks: plan.interimLooks, lookNumber: Math.max(1, looksReached) }
        : {}),
    },
  })
}

/** The results a decision is made on, kept with it: per-arm totals and the verdict, as of now. */
export async function decisionSnapshot(
  db: Kysely<DB> | Transaction<DB>,
  test: TestRow,
  hypothesis: { baseline_rate: number | null; expected_lift: number | null },
) {
  const totals = await totalsOf(db, test.id)
  const { summary, ...verdict } = verdictOf(totals, test.frozen_plan!, hypothesis, 0)
  return {
    totals: {
      control: { deals: totals.control.deals, conversions: totals.control.conversions },
      treatment: { deals: totals.treatment.deals, conversions: totals.treatment.conversions },
    },
    verdict,
    summary,
  }
}

type DecisionSnapshot = Awaited<ReturnType<typeof decisionSnapshot>>

/**
 * The decision a test was decided on, and whether its data changed since: the totals kept with
 * the decision against today's. A later outcome or a corrected deal makes `changedSinceDecision`
 * true, and the report says so.
 */
function decisionCheck(
  decision: { id: number; verdict: string; decided_at: Date; results: unknown },
  totals: Record<'control' | 'treatment', Totals>,
) {
  const kept = (decision.results as DecisionSnapshot | null)?.totals ?? null
  const now = {
    control: { deals: totals.control.deals, conversions: totals.control.conversions },
    treatment: { deals: totals.treatment.deals, conversions: totals.treatment.conversions },
  }
  return {
    id: decision.id,
    verdict: decision.verdict,
    decidedAt: decision.decided_at.toISOString(),
    totalsAtDecision: kept,
    changedSinceDecision: kept === null || JSON.stringify(kept) !== JSON.stringify(now),
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
 * A test's results, computed from its frozen plan and the per-arm totals kept with the deals:
 * the stats verdict with its plain-language summary, progress to the target, the daily cumulative
 * series for the charts, the balance of strata, and the interim looks. Late deals are left out.
 */
export async function testResults(db: Kysely<DB>, scope: Scope, testId: number, lang: Lang, now: Date) {
  const row = await db
    .selectFrom('tests as t')
    .innerJoin('hypotheses as h', 'h.id', 't.hypothesis_id')
    .selectAll('t')
    .select(['h.baseline_rate', 'h.expected_lift'])
    .where('t.id', '=', testId)
    .where('t.workspace_id', '=', scope.workspaceId)
    .executeTakeFirst()
  if (!row) throw notFound('Test')
  const { baseline_rate, expected_lift, ...first } = row
  let test: TestRow = first
  const hypothesis = { baseline_rate, expected_lift }
  if (test.status === 'draft' || !test.frozen_plan)
    throw wrongState('The test has not started: there are no results yet')
  const plan = test.frozen_plan
  const [totals, series, balance, decision] = await Promise.all([
    totalsOf(db, testId),
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
  // The pace: deals closed in the last four weeks, read off the cumulative series.
  const since = new Date(now.getTime() - 28 * DAY_MS).toISOString().slice(0, 10)
  const dealsBy = (p: (typeof series)[number] | undefined) => (p ? p.control.deals + p.treatment.deals : 0)
  const recent = dealsBy(series.at(-1)) - dealsBy(series.findLast((p) => p.day < since))
  // Reading completes a test that is due (by target or by time); the locking transaction that
  // does it is opened only then, so an ordinary read takes no lock and waits for no disk sync.
  if (completionDue(test, totals.control.deals + totals.treatment.deals, now)) {
    await checkCompletion(db, scope, test, now)
    test = await getOwned(db, 'tests', scope.workspaceId, testId)
  }
  const progress = progressOf(
    test,
    plan,
    { control: totals.control.deals, treatment: totals.treatment.deals },
    recent,
    now,
  )
  const looks = interimLooks(plan, series)
  const verdict = verdictOf(totals, plan, hypothesis, looks.filter((l) => l.reached).length)
  return {
    test: {
      id: test.id,
      name: test.name,
      status: test.status,
      startedAt: test.started_at?.toISOString() ?? null,
      completedAt: test.completed_at?.toISOString() ?? null,
      completionReason: test.completion_reason,
    },
    plan,
    provisional:
      !progress.targetReached &&
      plan.interimLooks === 0 &&
      test.status !== 'completed' &&
      test.status !== 'decided',
    progress,
    planning: {
      baselineRate: hypothesis.baseline_rate,
      expectedLift: hypothesis.expected_lift,
      practice: practiceSamples(plan, hypothesis.baseline_rate, hypothesis.expected_lift),
    },
    lateDeals: totals.control.late + totals.treatment.late,
    decision: decision ? decisionCheck(decision, totals) : null,
    verdict,
    summary: verdict.summary[lang],
    series,
    balance,
    interimLooks: looks,
  }
}
