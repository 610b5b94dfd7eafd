/**
 * Deals in both arms at each planned look: `interimLooks` equally spaced interim analyses and the
 * final one at the target, each rounded up to a whole deal; looks that a tiny target cannot hold
 * apart merge. Example: 3 interim looks, target 40 → [10, 20, 30, 40].
 */
export function plannedLookDeals(interimLooks: number, targetDeals: number): number[] {
  const k = interimLooks + 1
  const looks: number[] = []
  for (let i = 1; i <= k; i++) {
    const deals = i === k ? targetDeals : Math.ceil((i * targetDeals) / k)
    if (deals > (looks.at(-1) ?? 0)) looks.push(deals)
  }
  return looks
}
