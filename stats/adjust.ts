import { assertOneOf, assertProbability } from './errors.ts'

export type AdjustMethod = 'holm' | 'benjamini-hochberg'

/**
 * Adjusted p-values for many tests at once, in the input order.
 *
 * Holm (family-wise error): sort ascending p₍₁₎ ≤ … ≤ p₍ₘ₎; adjusted p₍ᵢ₎ = max_{j≤i} min(1, (m−j+1)·p₍ⱼ₎).
 * Benjamini-Hochberg (false discovery rate): adjusted p₍ᵢ₎ = min_{j≥i} min(1, m/j·p₍ⱼ₎).
 * Reference: R `p.adjust(p, "holm")`, `p.adjust(p, "BH")`.
 * Example: adjustPValues([0.01, 0.04, 0.03], 'holm') → [0.03, 0.06, 0.06];
 * 'benjamini-hochberg' → [0.03, 0.04, 0.04].
 */
export function adjustPValues(pValues: readonly number[], method: AdjustMethod): number[] {
  assertOneOf('method', method, ['holm', 'benjamini-hochberg'])
  pValues.forEach((p, i) => assertProbability(`pValues[${i}]`, p))
  const m = pValues.length
  // Tied p-values get the same adjusted value in either order, and every slot is written.
  // Stryker disable next-line ArithmeticOperator: the order among ties does not change a result
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i)
  // Stryker disable next-line ArrayDeclaration: every index is assigned below
  const adjusted = new Array<number>(m)
  if (method === 'holm') {
    let running = 0
    order.forEach(({ p, i }, rank) => {
      running = Math.max(running, Math.min(1, (m - rank) * p))
      adjusted[i] = running
    })
  } else {
    let running = 1
    for (let rank = m - 1; rank >= 0; rank--) {
      const { p, i } = order[rank]!
      running = Math.min(running, (m / (rank + 1)) * p)
      adjusted[i] = Math.min(1, running)
    }
  }
  return adjusted
}
