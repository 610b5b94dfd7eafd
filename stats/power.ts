import { assertCount, assertOneOf, assertOpenProbability, StatsInputError } from './errors.ts'
import { normalCdf, normalQuantile } from './distributions/normal.ts'
import { findRoot } from './distributions/root.ts'
import type { Reason } from './reasons.ts'

/** Planning is for a rise (one-sided 'greater') or any change ('two-sided'). */
export type PlanAlternative = 'two-sided' | 'greater'

interface Design {
  readonly baselineRate: number
  readonly alpha: number
  readonly alternative: PlanAlternative
}

function criticalZ(alpha: number, alternative: PlanAlternative): number {
  return normalQuantile(alternative === 'two-sided' ? alpha / 2 : alpha, true)
}

function assertDesign(d: Design): void {
  assertOpenProbability('baselineRate', d.baselineRate)
  assertOpenProbability('alpha', d.alpha)
  assertOneOf('alternative', d.alternative, ['two-sided', 'greater'])
}

function treatmentRate(baselineRate: number, effect: number): number {
  const rate = baselineRate + effect
  if (!(rate > 0 && rate < 1) || effect === 0) {
    throw new StatsInputError(
      'minimumDetectableEffect',
      `baseline + effect must lie strictly between 0 and 1 and differ from the baseline, got ${rate}`,
    )
  }
  return rate
}

/**
 * Deals needed in the control arm (real-valued), with `ratio` = n_treatment / n_control.
 *
 * Definition (R's power.prop.test, strict = FALSE, generalised to unequal arms): k = ratio,
 * p̄ = (p_c + k·p_t)/(1 + k), n_c = (z_α·√(p̄(1−p̄)(1 + 1/k)) + z_β·√(p_c(1−p_c) + p_t(1−p_t)/k))² / (p_t − p_c)²
 * with z_α = z_{1−α/2} (two-sided) or z_{1−α}, z_β = z_{power}.
 * Reference: R `power.prop.test(p1 = p_c, p2 = p_t, sig.level, power, alternative)$n` at k = 1.
 * Example: p_c = 0.15, effect 0.10, α 0.05, power 0.8, k = 1 → 249.98 (R: 249.98).
 */
export function requiredControlDeals(
  design: Design & { effect: number; power: number; ratio: number },
): number {
  const pc = design.baselineRate
  const pt = treatmentRate(pc, design.effect)
  const k = design.ratio
  const pooled = (pc + k * pt) / (1 + k)
  const za = criticalZ(design.alpha, design.alternative)
  const zb = normalQuantile(design.power)
  const numerator =
    za * Math.sqrt(pooled * (1 - pooled) * (1 + 1 / k)) + zb * Math.sqrt(pc * (1 - pc) + (pt * (1 - pt)) / k)
  return (numerator * numerator) / ((pt - pc) * (pt - pc))
}

export interface SampleSizeInput {
  readonly baselineRate: number
  /** absolute: 0.05 means five percentage points */
  readonly minimumDetectableEffect: number
  readonly alpha?: number
  readonly power?: number
  readonly treatmentShare?: number
  readonly alternative?: PlanAlternative
}

/**
 * Whole deals per arm to detect an absolute effect (see requiredControlDeals for the formula):
 * the smaller arm rounded up, the larger derived from it by the split and rounded up.
 * Reference: R `ceiling(power.prop.test(p1, p2, sig.level, power, alternative)$n)` for 50/50.
 * Example: sampleSize({ baselineRate: 0.15, minimumDetectableEffect: 0.10 }) →
 * { control: 250, treatment: 250, total: 500 }.
 */
export function sampleSize(input: SampleSizeInput): { control: number; treatment: number; total: number } {
  const design = {
    baselineRate: input.baselineRate,
    alpha: input.alpha ?? 0.05,
    alternative: input.alternative ?? 'two-sided',
  } as const
  assertDesign(design)
  const power = input.power ?? 0.8
  const share = input.treatmentShare ?? 0.5
  assertOpenProbability('power', power)
  assertOpenProbability('treatmentShare', share)
  const ratio = share / (1 - share)
  const control = requiredControlDeals({ ...design, effect: input.minimumDetectableEffect, power, ratio })
  // Rounding guards against 248.00000000000003 from a ratio that is not exact in binary.
  const up = (x: number): number => Math.ceil(x - 1e-9)
  let c: number
  let t: number
  if (ratio >= 1) {
    c = up(control)
    t = up(c * ratio)
  } else {
    t = up(control * ratio)
    c = up(t / ratio)
  }
  return { control: c, treatment: t, total: c + t }
}

/**
 * Power to detect an absolute `effect` with the given arms (normal approximation of
 * power.prop.test, strict = FALSE): Φ((|Δ|·√n_c − z_α·√(p̄(1−p̄)(1 + 1/k))) / √(p_c(1−p_c) + p_t(1−p_t)/k)).
 * Reference: R `power.prop.test(n, p1, p2, sig.level, alternative)$power` for equal arms.
 * Example: 150 deals per arm, p_c = 0.15, effect 0.10 → 0.5819.
 */
export function achievedPower(
  input: Design & { effect: number; control: number; treatment: number },
): number {
  assertDesign(input)
  assertCount('control', input.control)
  assertCount('treatment', input.treatment)
  const pc = input.baselineRate
  const pt = treatmentRate(pc, input.effect)
  if (input.control === 0 || input.treatment === 0) return 0
  const k = input.treatment / input.control
  const pooled = (pc + k * pt) / (1 + k)
  const za = criticalZ(input.alpha, input.alternative)
  const spread = Math.sqrt(pc * (1 - pc) + (pt * (1 - pt)) / k)
  const signed = input.alternative === 'greater' ? pt - pc : Math.abs(pt - pc)
  return normalCdf(
    (signed * Math.sqrt(input.control) - za * Math.sqrt(pooled * (1 - pooled) * (1 + 1 / k))) / spread,
  )
}

/**
 * Smallest absolute rise Δ > 0 detectable with the given arms at the requested power: the root
 * of achievedPower(Δ) = power on (0, 1 − p_c), by Brent's method to 1e-15. Null when even a
 * treatment rate of 100 % would not reach the power (or an arm is empty).
 * Reference: R `power.prop.test(n, p1, power, sig.level, alternative, tol = 1e-14)$p2 − p1`.
 * Example: 150 deals per arm, p_c = 0.15, α 0.05, power 0.8 → 0.1327.
 */
export function minimumDetectableEffect(
  input: Design & { control: number; treatment: number; power?: number },
): { effect: number | null; reason: Reason | null } {
  assertDesign(input)
  const power = input.power ?? 0.8
  assertOpenProbability('power', power)
  assertCount('control', input.control)
  assertCount('treatment', input.treatment)
  if (input.control === 0 || input.treatment === 0) return { effect: null, reason: 'no_deals' }
  const pc = input.baselineRate
  const gap = (effect: number): number => achievedPower({ ...input, effect }) - power
  const top = (1 - pc) * (1 - 1e-12)
  if (gap(top) < 0) return { effect: null, reason: 'effect_not_detectable' }
  return { effect: findRoot(gap, 1e-12, top, 1e-15), reason: null }
}

export interface PowerInput {
  readonly baselineRate: number
  readonly control: number
  readonly treatment: number
  readonly alpha?: number
  readonly alternative?: PlanAlternative
  readonly minimumDetectableEffect?: number
  readonly power?: number
}

/**
 * The power calculator's shape: the power at the given effect (null without one) and the
 * minimum detectable effect at the given power. See achievedPower and minimumDetectableEffect.
 * Example: powerAnalysis({ baselineRate: 0.15, control: 150, treatment: 150, minimumDetectableEffect: 0.1 })
 * → { power: 0.5819, minimumDetectableEffect: 0.1327, reason: null }.
 */
export function powerAnalysis(input: PowerInput): {
  power: number | null
  minimumDetectableEffect: number | null
  reason: Reason | null
} {
  const design = {
    baselineRate: input.baselineRate,
    alpha: input.alpha ?? 0.05,
    alternative: input.alternative ?? 'two-sided',
  } as const
  const mde = minimumDetectableEffect({
    ...design,
    control: input.control,
    treatment: input.treatment,
    power: input.power ?? 0.8,
  })
  const power =
    input.minimumDetectableEffect === undefined
      ? null
      : achievedPower({
          ...design,
          effect: input.minimumDetectableEffect,
          control: input.control,
          treatment: input.treatment,
        })
  return {
    power,
    minimumDetectableEffect: mde.effect,
    reason: power === null ? 'no_effect_given' : mde.reason,
  }
}
