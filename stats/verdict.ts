import { assertCount, assertOneOf, assertOpenProbability, StatsInputError } from './errors.ts'
import { compareRevenue, type RevenueResult } from './revenue.ts'
import { achievedPower, minimumDetectableEffect } from './power.ts'
import { obrienFlemingBoundaries } from './sequential.ts'
import { sampleRatioMismatch, type SrmResult } from './srm.ts'
import { significance, type SignificanceResult } from './significance.ts'
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
    readonly boundary: number
    readonly cumulativeAlpha: number
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
 * Parts: everything of significance() at confidence 1 − α (recommended test, p-value,
 * significant); sample ratio mismatch against the planned split; revenue per deal (Welch, and
 * Mann-Whitney with raw values) when revenue is given; the power to detect the plan's expected
 * rise with the current arms (baseline: the plan's, else the observed control rate); the minimum
 * detectable rise at the plan's power with the current arms; at an interim look, the Lan-DeMets
 * O'Brien-Fleming boundary, and then `significant` means the boundary was crossed (|z| ≥ c, or
 * z ≥ c for 'greater'), since an interim p-value below α does not stop a sequential test; and a
 * plain-language summary in English and Russian.
 * References: those of the parts.
 * Example: treatment 17/62, control 9/60, plan α 0.05 → Fisher p = 0.122, P(better) ≈ 95 %,
 * not significant, summary "62 deals with the change, 60 without. …".
 */
export function verdict(input: VerdictInput): Verdict {
  const { plan } = input
  assertOpenProbability('plan.alpha', plan.alpha)
  assertOpenProbability('plan.power', plan.power)
  assertOpenProbability('plan.controlShare', plan.controlShare)
  assertOneOf('plan.alternative', plan.alternative, ['two-sided', 'greater'])
  assertCount('plan.targetDeals', plan.targetDeals)
  if (plan.baselineRate !== undefined) assertOpenProbability('plan.baselineRate', plan.baselineRate)
  const base = significance({
    control: input.control,
    treatment: input.treatment,
    confidence: 1 - plan.alpha,
    alternative: plan.alternative,
    ...(input.prior ? { prior: input.prior } : {}),
  })
  const { control, treatment } = input
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
  const sequential = sequentialReading(plan, base.zTest.z)
  const significant = sequential === null ? base.significant : sequential.crossed
  const result = { ...base, significant, srm, revenue, power, minimumDetectableEffect: mde, sequential }
  return { ...result, summary: summarize(result, { control, treatment }, input.labels) }
}

function sequentialReading(plan: Plan, z: number | null): Verdict['sequential'] {
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
  const { boundaries, cumulativeAlpha } = boundariesFor(plan.alpha, fractions)
  const boundary = boundaries[look - 1]!
  const crossed = z !== null && (plan.alternative === 'greater' ? z >= boundary : Math.abs(z) >= boundary)
  return { lookNumber: look, boundary, cumulativeAlpha: cumulativeAlpha[look - 1]!, crossed }
}
