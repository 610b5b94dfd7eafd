import { assertOneOf, assertValues } from './errors.ts'
import { normalCdf, normalUpper } from './distributions/normal.ts'
import type { Reason } from './reasons.ts'
import { alternatives, type Alternative } from './types.ts'

export interface MannWhitneyResult {
  /** W = rank sum of the treatment − n_t(n_t+1)/2: pairs where treatment exceeds control (ties ½) */
  readonly w: number | null
  readonly pValue: number | null
  readonly reason: Reason | null
}

/**
 * Mann-Whitney U (Wilcoxon rank-sum) test, normal approximation with tie and continuity
 * corrections, as a check on Welch for skewed revenue.
 *
 * Definition: midranks over both arms; W = R_t − n_t(n_t+1)/2; z = (W − n_t·n_c/2 − c)/σ with
 * σ² = n_t·n_c/12·((N+1) − Σ(τ³ − τ)/(N(N−1))) over tie groups τ, and continuity correction
 * c = ½·sign(W − n_t n_c/2) two-sided, ½ for 'greater', −½ for 'less'.
 * Reference: R `wilcox.test(treatment, control, exact = FALSE, correct = TRUE, alternative)`.
 * Example: treatment (12, 15, 11, 19, 14), control (10, 9, 13, 8, 11) → W = 22.5, p = 0.0465.
 */
export function mannWhitney(
  treatment: readonly number[],
  control: readonly number[],
  alternative: Alternative = 'two-sided',
): MannWhitneyResult {
  assertValues('treatment', treatment)
  assertValues('control', control)
  assertOneOf('alternative', alternative, alternatives)
  const nt = treatment.length
  const nc = control.length
  if (nt === 0 || nc === 0) return { w: null, pValue: null, reason: 'too_few_values' }
  const all = [...treatment.map((v) => ({ v, t: true })), ...control.map((v) => ({ v, t: false }))].sort(
    (a, b) => a.v - b.v,
  )
  const total = all.length
  let rankSum = 0
  let ties = 0
  for (let i = 0; i < total;) {
    let j = i
    while (j + 1 < total && all[j + 1]!.v === all[i]!.v) j++
    const size = j - i + 1
    const midrank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) if (all[k]!.t) rankSum += midrank
    ties += size ** 3 - size
    i = j + 1
  }
  const w = rankSum - (nt * (nt + 1)) / 2
  const centred = w - (nt * nc) / 2
  const sigma = Math.sqrt(((nt * nc) / 12) * (total + 1 - ties / (total * (total - 1))))
  if (!(sigma > 0)) return { w, pValue: null, reason: 'zero_variance' }
  const correction =
    alternative === 'two-sided' ? 0.5 * Math.sign(centred) : alternative === 'greater' ? 0.5 : -0.5
  const z = (centred - correction) / sigma
  const pValue =
    alternative === 'two-sided'
      ? 2 * Math.min(normalCdf(z), normalUpper(z))
      : alternative === 'greater'
        ? normalUpper(z)
        : normalCdf(z)
  return { w, pValue: Math.min(1, pValue), reason: null }
}
