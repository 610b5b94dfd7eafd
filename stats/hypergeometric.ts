/**
 * Fisher's noncentral hypergeometric distribution of the top-left cell of a 2×2 table with fixed
 * margins, as fisher.test conditions on: X = treatment conversions, given m = all conversions,
 * n = all non-conversions, k = treatment deals. P_ψ(X = y) ∝ C(m, y)·C(n, k−y)·ψʸ on
 * max(0, k−n) ≤ y ≤ min(k, m). ψ = 1 is the central hypergeometric.
 *
 * Weights are built by the exact ratio w(y+1)/w(y) = ψ(m−y)(k−y)/((y+1)(n−k+y+1)), walking
 * outward from the mode (weight 1) until a weight falls below `cutoff`: no factorials, no overflow,
 * and the cost is the width of the distribution (tens of thousands of steps at 10⁶ deals per arm),
 * not the size of the support.
 */

export interface Margins {
  readonly m: number
  readonly n: number
  readonly k: number
}

export function supportOf({ m, n, k }: Margins): [number, number] {
  return [Math.max(0, k - n), Math.min(k, m)]
}

/** Mode of the weights: the first y where the ratio w(y+1)/w(y) drops to ≤ 1. */
function modeOf({ m, n, k }: Margins, psi: number, lo: number, hi: number): number {
  const ratio = (y: number): number => (psi * (m - y) * (k - y)) / ((y + 1) * (n - k + y + 1))
  // Root of ψ(m−y)(k−y) = (y+1)(n−k+y+1): (ψ−1)y² − (ψ(m+k) + n−k+2)y + ψmk − (n−k+1) = 0.
  // The root only picks where the two walks below start: clamped into the support, any start
  // reaches the same mode, so a mutant of the estimate costs steps, never a different result.
  // Stryker disable all: the root estimate only saves steps of the walks to the mode
  const a = psi - 1
  const b = -(psi * (m + k) + n - k + 2)
  const c = psi * m * k - (n - k + 1)
  let root: number
  if (Math.abs(a) < 1e-12) root = -c / b
  else {
    const disc = Math.sqrt(Math.max(b * b - 4 * a * c, 0))
    // Stable form: the root inside the support is 2c / (−b + disc).
    root = (2 * c) / (-b + disc)
  }
  // Stryker restore all
  let y = Math.min(hi, Math.max(lo, Math.ceil(Number.isFinite(root) ? root : lo)))
  while (y < hi && ratio(y) > 1) y++
  while (y > lo && ratio(y - 1) <= 1) y--
  return y
}

export interface Sweep {
  /** Σ w over the walked range (weights relative to the mode's 1) */
  readonly total: number
  /** Σ (y − mode)·w, for the mean */
  readonly centred: number
  /** Σ (y − mode)²·w, for the variance */
  readonly centredSquares: number
  /** Σ w over y ≥ x, and Σ (y − mode)·w there */
  readonly atLeast: number
  readonly atLeastCentred: number
  /** Σ w over y ≤ x, and Σ (y − mode)·w there */
  readonly atMost: number
  readonly atMostCentred: number
  readonly mode: number
}

/** One pass over the weights at ψ, accumulating what the mean, the tails and their slopes need. */
export function sweep(margins: Margins, psi: number, x: number, cutoff: number): Sweep {
  const { m, n, k } = margins
  const [lo, hi] = supportOf(margins)
  const mode = modeOf(margins, psi, lo, hi)
  let total = 1
  let centred = 0
  let centredSquares = 0
  let atLeast = mode >= x ? 1 : 0
  let atMost = mode <= x ? 1 : 0
  let atLeastCentred = 0
  let atMostCentred = 0
  let w = 1
  for (let y = mode; y < hi; y++) {
    w *= (psi * (m - y) * (k - y)) / ((y + 1) * (n - k + y + 1))
    if (w < cutoff) break
    const d = y + 1 - mode
    total += w
    centred += d * w
    centredSquares += d * d * w
    if (y + 1 >= x) {
      atLeast += w
      atLeastCentred += d * w
    }
    if (y + 1 <= x) {
      atMost += w
      atMostCentred += d * w
    }
  }
  w = 1
  for (let y = mode; y > lo; y--) {
    w *= (y * (n - k + y)) / (psi * (m - y + 1) * (k - y + 1))
    if (w < cutoff) break
    const d = y - 1 - mode
    total += w
    centred += d * w
    centredSquares += d * d * w
    if (y - 1 <= x) {
      atMost += w
      atMostCentred += d * w
    }
    if (y - 1 >= x) {
      atLeast += w
      atLeastCentred += d * w
    }
  }
  return { total, centred, centredSquares, atLeast, atLeastCentred, atMost, atMostCentred, mode }
}

/**
 * Central (ψ = 1) probabilities: the two-sided p-value as R's fisher.test sums it (tables whose
 * probability is at most the observed one's × (1 + 1e-7)), and the two one-sided tails.
 * Weights below 1e-300 of the mode's are dropped, so p-values below ~1e-300 come out as 0.
 */
export function centralProbabilities(
  margins: Margins,
  x: number,
): { twoSided: number; greater: number; less: number } {
  const { m, n, k } = margins
  const [lo, hi] = supportOf(margins)
  const mode = modeOf(margins, 1, lo, hi)
  const cutoff = 1e-300
  // First pass: the observed weight, walking from the mode to x.
  const upward: number[] = []
  const downward: number[] = []
  let w = 1
  for (let y = mode; y < hi; y++) {
    w *= ((m - y) * (k - y)) / ((y + 1) * (n - k + y + 1))
    if (w < cutoff) break
    upward.push(w)
  }
  w = 1
  for (let y = mode; y > lo; y--) {
    w *= (y * (n - k + y)) / ((m - y + 1) * (k - y + 1))
    if (w < cutoff) break
    downward.push(w)
  }
  const weightAt = (y: number): number =>
    y === mode ? 1 : y > mode ? (upward[y - mode - 1] ?? 0) : (downward[mode - y - 1] ?? 0)
  const observed = weightAt(x)
  const threshold = observed * (1 + 1e-7)
  let total = 1
  let twoSided = 1 <= threshold ? 1 : 0
  let greater = mode >= x ? 1 : 0
  let less = mode <= x ? 1 : 0
  upward.forEach((weight, i) => {
    const y = mode + 1 + i
    total += weight
    if (weight <= threshold) twoSided += weight
    if (y >= x) greater += weight
    if (y <= x) less += weight
  })
  downward.forEach((weight, i) => {
    const y = mode - 1 - i
    total += weight
    if (weight <= threshold) twoSided += weight
    if (y <= x) less += weight
    if (y >= x) greater += weight
  })
  return {
    twoSided: Math.min(1, twoSided / total),
    greater: Math.min(1, greater / total),
    less: Math.min(1, less / total),
  }
}
