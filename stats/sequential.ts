import { assertOpenProbability, StatsInputError } from './errors.ts'
import { normalDensity, normalQuantile, normalUpper } from './distributions/normal.ts'
import { findRoot } from './distributions/root.ts'

export interface SequentialBoundaries {
  /** two-sided alpha spent up to each look (cumulative) */
  readonly cumulativeAlpha: number[]
  /** |z| at or beyond which the test stops at each look */
  readonly boundaries: number[]
}

/** No boundary is placed beyond this |z|: the chance of crossing it is below 1e-300. */
const MAX_BOUNDARY = 40
/** A look spending less alpha than this gets MAX_BOUNDARY: below it doubles lose their digits (subnormals). */
const LEAST_INCREMENT = 1e-300
/**
 * Mass of the sub-density left out of the integration, relative to the smallest alpha a later look
 * spends: the sub-density of Zₖ is below φ, so dropping |z| > U changes every later crossing
 * probability by at most 2(1 − Φ(U)), here ≤ 1e-15 of the smallest later increment.
 */
const TRIM = 1e-15

/**
 * Lan-DeMets O'Brien-Fleming alpha spending, two-sided, alpha split evenly between the sides
 * (as gsDesign test.type = 2 with sfLDOF and rpact sided = 2, typeOfDesign = "asOF").
 *
 * Definition: one-sided spending α₁(t) = 2 − 2Φ(z_{1−α/4}/√t) (α₁(1) = α/2); cumulative two-sided
 * alpha 2α₁(tₖ). Boundary cₖ solves P(|Z_j| < c_j for j < k, Zₖ ≥ cₖ) = α₁(tₖ) − α₁(tₖ₋₁), with
 * Zₖ = B(tₖ)/√tₖ for Brownian motion B. The sub-density of Zₖ on the continuation region is carried
 * look to look by the recursive integral of Jennison & Turnbull (2000, ch. 19; gsDesign's gsbound),
 * here by composite 16-point Gauss-Legendre panels of width ≤ 0.2, over (−cₖ, cₖ) cut where the
 * sub-density can no longer matter (see TRIM: a first look at t = 0.01 has c₁ = 22.4, but only
 * |z| ≤ 9.3 is carried to a look at 0.25 — the cost of a plan with a first look at 0.2 % of its
 * deals fell from 2.3 s to 0.1 s). A look that spends under 1e-300 (where doubles turn subnormal
 * and lose their digits) gets the cap |z| = 40.
 * Precision: worst 1e-13 relative over tests/stats/fixtures/sequential.json against an independent
 * integration (composite Simpson with Richardson extrapolation, scripts/reference/sequential.py),
 * first looks down to t = 0.001 and looks 0.01 apart included. rpact's `getDesignGroupSequential`
 * is good to ~1e-7 with spread-out looks but drifts up to 3e-3 with early or close looks (and gives
 * Inf where a look spends under ~1e-9), so it is a check, not the reference.
 * Reference: R rpact `getDesignGroupSequential(kMax, alpha, sided = 2, typeOfDesign = "asOF",
 * informationRates)$criticalValues`, to its precision; the integration above to 1e-8.
 * Example: obrienFlemingBoundaries(0.05, [0.25, 0.5, 0.75, 1]).boundaries →
 * [4.3326, 2.9631, 2.3590, 2.0141].
 */
export function obrienFlemingBoundaries(
  alpha: number,
  informationFractions: readonly number[],
): SequentialBoundaries {
  assertOpenProbability('alpha', alpha)
  if (informationFractions.length === 0)
    throw new StatsInputError('informationFractions', 'must not be empty')
  informationFractions.forEach((t, i) => {
    if (!(t > 0 && t <= 1) || (i > 0 && !(t > informationFractions[i - 1]!))) {
      throw new StatsInputError(`informationFractions[${i}]`, 'must increase strictly within (0, 1]')
    }
  })
  const zQuarter = normalQuantile(alpha / 4, true)
  const spent = (t: number): number => 2 * normalUpper(zQuarter / Math.sqrt(t))
  const cumulativeAlpha = informationFractions.map((t) => 2 * spent(t))
  const increments = informationFractions.map(
    (t, i) => spent(t) - (i === 0 ? 0 : spent(informationFractions[i - 1]!)),
  )
  const boundaries: number[] = []
  let nodes: number[] = []
  let weights: number[] = []
  let density: number[] = []
  let previousT = 0
  informationFractions.forEach((t, k) => {
    const increment = increments[k]!
    let c: number
    if (!(increment >= LEAST_INCREMENT)) c = MAX_BOUNDARY
    else if (k === 0) {
      // A very early first look spends so little alpha that its quantile underflows to Infinity;
      // beyond |z| = 40 nothing is ever crossed, the same cap the later looks' root search has.
      c = Math.min(normalQuantile(increment, true), MAX_BOUNDARY)
    } else {
      const scale = Math.sqrt(t - previousT)
      const rootT = Math.sqrt(t)
      const rootPrevious = Math.sqrt(previousT)
      const crossing = (z: number): number => {
        let sum = 0
        for (let j = 0; j < nodes.length; j++) {
          sum += weights[j]! * density[j]! * normalUpper((z * rootT - nodes[j]! * rootPrevious) / scale)
        }
        return sum
      }
      c = findRoot((z) => crossing(z) - increment, 0, MAX_BOUNDARY, 1e-14)
    }
    boundaries.push(c)
    if (k === informationFractions.length - 1) return
    // Sub-density of Z at this look on (−c, c), cut to |z| ≤ U, for the next looks.
    const later = increments.slice(k + 1).filter((i) => i >= LEAST_INCREMENT)
    const smallest = later.length === 0 ? 0 : Math.min(...later)
    const cut = smallest > 0 ? normalQuantile((TRIM * smallest) / 2, true) : Infinity
    const reach = Math.min(c, cut)
    const [nextNodes, nextWeights] = panelNodes(-reach, reach)
    let nextDensity: number[]
    if (k === 0) nextDensity = nextNodes.map((z) => normalDensity(z))
    else {
      const scale = Math.sqrt(t - previousT)
      const rootT = Math.sqrt(t)
      const rootPrevious = Math.sqrt(previousT)
      nextDensity = nextNodes.map((z) => {
        let sum = 0
        for (let j = 0; j < nodes.length; j++) {
          sum += weights[j]! * density[j]! * normalDensity((z * rootT - nodes[j]! * rootPrevious) / scale)
        }
        return (sum * rootT) / scale
      })
    }
    nodes = nextNodes
    weights = nextWeights
    density = nextDensity
    previousT = t
  })
  return { cumulativeAlpha, boundaries }
}
const GAUSS = gaussLegendre(16)

/** Composite Gauss-Legendre nodes and weights on [a, b], panels of width ≤ 0.2. */
function panelNodes(a: number, b: number): [number[], number[]] {
  if (!Number.isFinite(a) || !Number.isFinite(b))
    throw new RangeError(`integration bounds must be finite: [${a}, ${b}]`)
  const panels = Math.max(1, Math.ceil((b - a) / 0.2))
  const width = (b - a) / panels
  const nodes: number[] = []
  const weights: number[] = []
  for (let p = 0; p < panels; p++) {
    const centre = a + (p + 0.5) * width
    GAUSS.nodes.forEach((x, i) => {
      nodes.push(centre + (x * width) / 2)
      weights.push((GAUSS.weights[i]! * width) / 2)
    })
  }
  return [nodes, weights]
}

/** Gauss-Legendre nodes on [−1, 1] by Newton's method on Pₙ (Golub-Welsch not needed for n = 16). */
function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes: number[] = []
  const weights: number[] = []
  for (let i = 1; i <= n; i++) {
    let x = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5))
    let derivative = 0
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1
      let p1 = x
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
        p0 = p1
        p1 = p2
      }
      derivative = (n * (x * p1 - p0)) / (x * x - 1)
      const step = p1 / derivative
      x -= step
      if (Math.abs(step) < 1e-16) break
    }
    nodes.push(x)
    weights.push(2 / ((1 - x * x) * derivative * derivative))
  }
  return { nodes, weights }
}
