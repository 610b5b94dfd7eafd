import type { PrimaryMethod, TestPlan } from '../../db/tables/index.ts'
import * as stats from '../../stats/index.ts'
import { plannedLookDeals } from '../lib/looks.ts'
import { cachedVerdict } from './verdict-cache.ts'

/** What the statistics need of a hypothesis: the rate it starts from and the rise it expects. */
export interface HypothesisBasis {
  baseline_rate: number | null
  expected_lift: number | null
}

/**
 * What a test's frozen plan means to the statistics, fixed in one place: results, the portfolio,
 * the report and the decision's snapshot all read a test through it, so they cannot disagree.
 */
export interface AnalysisPlan {
  alpha: number
  power: number
  alternative: TestPlan['alternative']
  controlShare: number
  targetDeals: number
  primaryMethod: PrimaryMethod | null
  /** Deals in both arms at each look, the last being the final analysis; one entry without interim looks. */
  lookDeals: number[]
  /** Whether the plan analyses at interim looks (group-sequential, O'Brien-Fleming spending). */
  sequential: boolean
  stopForEfficacy: boolean
  minDurationDays: number
  maxDurationDays: number
  baselineRate: number | null
  expectedLift: number | null
}

export function analysisPlan(plan: TestPlan, hypothesis: HypothesisBasis): AnalysisPlan {
  const lookDeals = plan.lookDeals?.length
    ? plan.lookDeals
    : plannedLookDeals(plan.interimLooks, plan.targetDeals)
  return {
    alpha: plan.alpha,
    power: plan.power,
    alternative: plan.alternative,
    controlShare: plan.controlShare,
    targetDeals: plan.targetDeals,
    primaryMethod: plan.primaryMethod ?? null,
    lookDeals,
    sequential: lookDeals.length > 1,
    stopForEfficacy: plan.stopForEfficacy ?? false,
    minDurationDays: plan.minDurationDays,
    maxDurationDays: plan.maxDurationDays,
    baselineRate: hypothesis.baseline_rate,
    expectedLift: hypothesis.expected_lift,
  }
}

/** Where the analysis stands: the information fraction of every look so far and which one is current. */
export interface LookSchedule {
  /** Deals at each look of the schedule (the reached ones, then the final or the next planned). */
  deals: number[]
  fractions: number[]
  /** 1-based index of the current look in `fractions`. */
  lookNumber: number
  /** How many of the schedule's looks the deals have reached. */
  reached: number
}

/**
 * The look schedule for an analysis with `total` deals. While the test runs, the planned looks
 * (fractions of the final look's deals) and the last one reached. At the final analysis every look
 * is reached: when the test ends before its last planned look (by time, or by hand), the final look
 * is at the deals actually in and spends all the alpha left (Lan-DeMets with the observed
 * information), and the looks reached before it keep their place.
 */
export function lookSchedule(plan: AnalysisPlan, total: number, final: boolean): LookSchedule {
  const planned = plan.lookDeals
  const last = planned.at(-1)!
  // Without deals there is nothing to place a final look at: the planned schedule stands.
  if (!final || total >= last || total === 0) {
    const reached = planned.filter((d) => total >= d).length
    return {
      deals: planned,
      fractions: planned.map((d) => d / last),
      lookNumber: Math.max(1, reached),
      reached,
    }
  }
  const before = planned.filter((d) => d < total)
  const deals = [...before, total]
  return {
    deals,
    fractions: deals.map((d) => d / total),
    lookNumber: deals.length,
    reached: deals.length,
  }
}

export interface ArmTotals {
  deals: number
  conversions: number
  revenue: { n: number; sum: number; sumSquares: number }
}

/**
 * The verdict of the plan's primary analysis on per-arm totals (late deals already left out), at
 * the schedule's current look. `final` is true once the test is completed, or due to complete.
 */
export function verdictFor(
  plan: AnalysisPlan,
  totals: Record<'control' | 'treatment', ArmTotals>,
  final: boolean,
) {
  const total = totals.control.deals + totals.treatment.deals
  const schedule = lookSchedule(plan, total, final)
  // Revenue per deal over all deals of the arm, a deal without revenue counting as 0 (a deal that did
  // not convert brought none): the same definition as the chart's cumulative revenue per deal.
  const perDeal = (arm: ArmTotals) => ({ ...arm.revenue, n: arm.deals })
  const revenue =
    totals.control.revenue.n > 0 &&
    totals.treatment.revenue.n > 0 &&
    totals.control.deals > 1 &&
    totals.treatment.deals > 1
      ? { revenue: { control: perDeal(totals.control), treatment: perDeal(totals.treatment) } }
      : {}
  const verdict = cachedVerdict({
    control: { deals: totals.control.deals, conversions: totals.control.conversions },
    treatment: { deals: totals.treatment.deals, conversions: totals.treatment.conversions },
    ...revenue,
    plan: {
      alpha: plan.alpha,
      power: plan.power,
      alternative: plan.alternative,
      controlShare: plan.controlShare,
      targetDeals: plan.targetDeals,
      ...(plan.primaryMethod !== null ? { primaryMethod: plan.primaryMethod } : {}),
      ...(plan.baselineRate !== null ? { baselineRate: plan.baselineRate } : {}),
      ...(plan.expectedLift !== null ? { expectedLift: plan.expectedLift } : {}),
      ...(plan.sequential
        ? { informationFractions: schedule.fractions, lookNumber: schedule.lookNumber }
        : {}),
    },
  })
  return { verdict, schedule }
}

/**
 * The O'Brien-Fleming boundaries and alpha spent of a schedule (none without interim looks), as the
 * verdict reads them: a one-sided plan at α spends α on its one side, the two-sided design at 2α.
 */
export function scheduleBoundaries(plan: AnalysisPlan, schedule: LookSchedule) {
  if (!plan.sequential) return null
  const greater = plan.alternative === 'greater'
  const { boundaries, cumulativeAlpha } = stats.obrienFlemingBoundaries(
    greater ? 2 * plan.alpha : plan.alpha,
    schedule.fractions,
  )
  return { boundaries, cumulativeAlpha: greater ? cumulativeAlpha.map((a) => a / 2) : cumulativeAlpha }
}
