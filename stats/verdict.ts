import { assertCount, assertOneOf, assertOpenProbability, StatsInputError } from './errors.ts'
import { compareRevenue, type RevenueResult } from './revenue.ts'
import { achievedPower, minimumDetectableEffect } from './power.ts'
import { obrienFlemingBoundaries } from './sequential.ts'
import { sampleRatioMismatch, type SrmResult } from './srm.ts'
import { withPrimary, type SignificanceResult } from './significance.ts'
import { primaryAnalysis, recommendPrimaryMethod, type PrimaryMethod } from './primary.ts'
import { normalUpper } from './distributions/normal.ts'
import { summarize, type SummaryLabels } from './summary.ts'
import type { Prior } from './bayes.ts'
import type { Reason } from './reasons.ts'
import type { Sample } from './sample.ts'
import type { ArmCounts } from './types.ts'

export interface Plan {
  readonly alpha: number
  readonly power: number
  readonly alternative: 'two-sided' | 'greater'
  /** planned share of deals in the control arm, in (0, 1) */
  readonly controlShare: number
  readonly targetDeals: number
  /** expected control rate; the observed control rate is used when absent */
  readonly baselineRate?: number
  /** expected absolute rise of the rate (0.05 = five points) */
  readonly expectedLift?: number
  /** equally spaced looks (the last at targetDeals), or explicit information fractions */
  readonly interimLooks?: number
  readonly informationFractions?: readonly number[]
  /** 1-based index of the current look */
  readonly lookNumber?: number
  /**
   * The primary analysis, frozen with the plan. Absent: recommendPrimaryMethod on the planned arms
   * (targetDeals split by controlShare) at the plan's baseline rate, else at the observed pooled
   * rate — which can change as deals arrive, so the server should freeze the method at start.
   */
  readonly primaryMethod?: PrimaryMethod
}

export interface VerdictInput extends ArmCounts {
  readonly revenue?: { readonly control: Sample; readonly treatment: Sample }
  readonly plan: Plan
  readonly prior?: Prior
  readonly labels?: { readonly en?: Partial<SummaryLabels>; readonly ru?: Partial<SummaryLabels> }
}

export interface Verdict extends SignificanceResult {
  readonly srm: SrmResult
  readonly revenue: RevenueResult | null
  readonly power: {
    readonly achieved: number | null
    readonly baselineRate: number | null
    readonly reason: Reason | null
  }
  readonly minimumDetectableEffect: { readonly effect: number | null; readonly reason: Reason | null }
  /** present when the plan has interim looks */
  readonly sequential: {
    readonly lookNumber: number
    /** the O'Brien-Fleming critical value cₖ of the look (|z|, or z for 'greater') */
    readonly boundary: number
    /** alpha spent up to this look, on the plan's scale (two-sided, or one-sided for 'greater') */
    readonly cumulativeAlpha: number
    /** the plan's overall alpha */
    readonly planAlpha: number
    /** the level the primary analysis runs at this look: 2(1 − Φ(cₖ)), or 1 − Φ(cₖ) for 'greater' */
    readonly nominalAlpha: number
    /** the primary's p-value is below the nominal alpha (for the score test: |z| ≥ cₖ) */
    readonly crossed: boolean
  } | null
  readonly summary: { readonly en: string; readonly ru: string }
}

const boundaryCache = new Map<string, ReturnType<typeof obrienFlemingBoundaries>>()

function boundariesFor(
  alpha: number,
  fractions: readonly number[],
): ReturnType<typeof obrienFlemingBoundaries> {
  const key = `${alpha}:${fractions.join(',')}`
  let result = boundaryCache.get(key)
  if (result === undefined) {
    result = obrienFlemingBoundaries(alpha, fractions)
    if (boundaryCache.size > 256) boundaryCache.clear()
    boundaryCache.set(key, result)
  }
  return result
}

/**
 * The whole reading of a control-group test against its frozen plan, for the results page.
 *
 * Parts: the plan's primary analysis (primaryAnalysis with plan.primaryMethod, plan.alternative
 * and plan.alpha) and everything of significance() around it — pValue, significant, difference,
 * relativeLift and the headline are the primary's, the other methods are `checks` (with Fisher,
 * chi-square, z-test and Bayes also in their own fields); sample ratio mismatch against the planned
 * split; revenue per deal (Welch, and Mann-Whitney with raw values) when revenue is given; the power
 * to detect the plan's expected rise with the current arms (baseline: the plan's, else the observed
 * control rate); the minimum detectable rise at the plan's power; and a plain-language summary in
 * English and Russian.
 *
 * Interim looks: the Lan-DeMets O'Brien-Fleming boundary cₖ of look k (two-sided design at α; for
 * 'greater' the one-sided design at α, i.e. the two-sided one at 2α) fixes the look's nominal level,
 * 2(1 − Φ(cₖ)) or 1 − Φ(cₖ), and the primary analysis runs at that level: significant ⇔ its p-value
 * is below it ⇔ the boundary is crossed (for the score test exactly |z| ≥ cₖ) ⇔ its intervals —
 * then repeated confidence intervals (Jennison & Turnbull 2000, ch. 9) — exclude no change.
 * References: those of the parts.
 * Example: treatment 17/62, control 9/60, plan α 0.05 → primary 'score' at the plan's 15 % baseline
 * (9 expected), p = 0.094, not significant, P(better) ≈ 95 %, summary "62 deals with the change,
 * 60 without. …".
 */
export function verdict(input: VerdictInput): Verdict {
  const { plan } = input
  assertOpenProbability('plan.alpha', plan.alpha)
  assertOpenProbability('plan.power', plan.power)
  assertOpenProbability('plan.controlShare', plan.controlShare)
  assertOneOf('plan.alternative', plan.alternative, ['two-sided', 'greater'])
  assertCount('plan.targetDeals', plan.targetDeals)
  if (plan.baselineRate !== undefined) assertOpenProbability('plan.baselineRate', plan.baselineRate)
  if (plan.primaryMethod !== undefined)
    assertOneOf('plan.primaryMethod', plan.primaryMethod, ['exact', 'score'])
  const { control, treatment } = input
  const counts = { control, treatment }
  const look = lookOf(plan)
  const nominalAlpha =
    look === null
      ? plan.alpha
      : plan.alternative === 'greater'
        ? normalUpper(look.boundary)
        : 2 * normalUpper(look.boundary)
  const primary = primaryAnalysis({
    ...counts,
    method: plan.primaryMethod ?? plannedMethod(plan, counts),
    alternative: plan.alternative,
    alpha: nominalAlpha,
  })
  const base = withPrimary(counts, primary, 1 - plan.alpha, input.prior)
  const srm = sampleRatioMismatch(
    { control: control.deals, treatment: treatment.deals },
    { control: plan.controlShare, treatment: 1 - plan.controlShare },
  )
  const revenue = input.revenue
    ? compareRevenue({
        control: input.revenue.control,
        treatment: input.revenue.treatment,
        confidence: 1 - plan.alpha,
        alternative: plan.alternative,
      })
    : null
  const observed = control.deals > 0 ? control.conversions / control.deals : NaN
  const baselineRate = plan.baselineRate ?? (observed > 0 && observed < 1 ? observed : null)
  const design = { alpha: plan.alpha, alternative: plan.alternative }
  let power: Verdict['power']
  if (baselineRate === null)
    power = {
      achieved: null,
      baselineRate: null,
      reason: control.deals === 0 ? 'no_deals' : 'no_conversions',
    }
  else if (plan.expectedLift === undefined) power = { achieved: null, baselineRate, reason: 'no_plan_effect' }
  else if (control.deals === 0 || treatment.deals === 0)
    power = { achieved: null, baselineRate, reason: 'no_deals' }
  else {
    const achieved = achievedPower({
      ...design,
      baselineRate,
      effect: plan.expectedLift,
      control: control.deals,
      treatment: treatment.deals,
    })
    power = { achieved, baselineRate, reason: null }
  }
  const mde =
    baselineRate === null
      ? { effect: null, reason: power.reason }
      : minimumDetectableEffect({
          ...design,
          baselineRate,
          power: plan.power,
          control: control.deals,
          treatment: treatment.deals,
        })
  const sequential: Verdict['sequential'] =
    look === null
      ? null
      : {
          lookNumber: look.lookNumber,
          boundary: look.boundary,
          cumulativeAlpha: look.cumulativeAlpha,
          planAlpha: plan.alpha,
          nominalAlpha,
          crossed: primary.significant,
        }
  const result = { ...base, srm, revenue, power, minimumDetectableEffect: mde, sequential }
  return { ...result, summary: summarize(result, counts, input.labels) }
}

/** The default primary method of a plan without one (see Plan.primaryMethod). */
function plannedMethod(plan: Plan, { control, treatment }: ArmCounts): PrimaryMethod {
  const deals = control.deals + treatment.deals
  const pooled = deals > 0 ? (control.conversions + treatment.conversions) / deals : 0
  return recommendPrimaryMethod({
    controlDeals: Math.round(plan.targetDeals * plan.controlShare),
    treatmentDeals: Math.round(plan.targetDeals * (1 - plan.controlShare)),
    baselineRate: plan.baselineRate ?? pooled,
  })
}

/** The current look and its boundary, when the plan has interim looks. */
function lookOf(plan: Plan): { lookNumber: number; boundary: number; cumulativeAlpha: number } | null {
  const fractions =
    plan.informationFractions ??
    (plan.interimLooks !== undefined && plan.interimLooks > 1
      ? Array.from({ length: plan.interimLooks }, (_, i) => (i + 1) / plan.interimLooks!)
      : null)
  if (fractions === null) return null
  const look = plan.lookNumber ?? fractions.length
  if (!Number.isInteger(look) || look < 1 || look > fractions.length) {
    throw new StatsInputError(
      'plan.lookNumber',
      `must be a look between 1 and ${fractions.length}, got ${look}`,
    )
  }
  // A one-sided plan at α spends α on its one side: the two-sided design at 2α.
  const greater = plan.alternative === 'greater'
  if (greater && !(plan.alpha < 0.5))
    throw new StatsInputError('plan.alpha', 'must be below 0.5 for a one-sided plan with looks')
  const { boundaries, cumulativeAlpha } = boundariesFor(greater ? 2 * plan.alpha : plan.alpha, fractions)
  return {
    lookNumber: look,
    boundary: boundaries[look - 1]!,
    cumulativeAlpha: greater ? cumulativeAlpha[look - 1]! / 2 : cumulativeAlpha[look - 1]!,
  }
}
