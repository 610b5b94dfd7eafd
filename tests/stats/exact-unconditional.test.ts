import { describe, expect, it } from 'vitest'
import {
  differenceFamily,
  ExactTest,
  ratioFamily,
  regionOf,
  TIE,
  type Family,
} from '../../stats/exact-unconditional.ts'
import {
  differenceScore,
  pooledZ,
  ratioScore,
  restrictedDifference,
  restrictedRatio,
} from '../../stats/score-test.ts'
import { expectCloseTo, loadFixture } from './helpers/reference.ts'

const mle = loadFixture<
  { xt: number; nt: number; xc: number; nc: number; delta: number; ratio: number },
  never,
  { difference: [number, number]; ratio: [number, number] }
>('restricted-mle')

describe('restricted maximum-likelihood rates', () => {
  // mpmath: bisection on the restricted likelihood equation at 50 digits (scripts/reference/restricted-mle.py)
  it('match 50-digit roots of the likelihood equation to 1e-13, zero and full arms included', () => {
    for (const { input: c, expected } of mle.cases) {
      const d = restrictedDifference(c.xt / c.nt, c.nt, c.xc / c.nc, c.nc, c.delta)
      const r = restrictedRatio(c.xt, c.nt, c.xc, c.nc, c.ratio)
      const where = `${c.xt}/${c.nt} vs ${c.xc}/${c.nc}`
      expectCloseTo(d, expected.difference, 0, 1e-13, `${where}, δ = ${c.delta}`)
      expectCloseTo(r, expected.ratio, 1e-12, 1e-15, `${where}, ρ = ${c.ratio}`)
    }
  })

  it('are the pooled rate at no change, so both statistics are the pooled z there', () => {
    expect(differenceScore(17, 62, 9, 60, 0)).toBe(pooledZ(17, 62, 9, 60))
    expect(ratioScore(17, 62, 9, 60, 1)).toBe(pooledZ(17, 62, 9, 60))
  })
})

describe('the exact test’s regions', () => {
  const sizes = [1, 2, 3, 5, 8, 13, 21, 34, 40]
  const deltas = Array.from({ length: 99 }, (_, i) => -0.98 + i * 0.02).concat([0, -0.999, 0.999])
  const ratios = Array.from({ length: 81 }, (_, i) => Math.exp(-4 + i * 0.1))

  it('rest on statistics that rise with the treatment’s conversions and fall with the control’s', () => {
    // 81 pairs of arm sizes up to 40, 102 differences and 81 ratios: ~9 million neighbour pairs
    const failures: string[] = []
    for (const nt of sizes)
      for (const nc of sizes)
        for (const [family, parameters] of [
          [differenceFamily(nt, nc), deltas],
          [ratioFamily(nt, nc), ratios],
        ] as const)
          for (const parameter of parameters)
            for (let a = 0; a <= nt; a++)
              for (let b = 0; b <= nc; b++) {
                const t = family.statistic(a, b, parameter)
                const slack = 1e-12 * Math.abs(t)
                if (b < nc && !(family.statistic(a, b + 1, parameter) <= t + slack))
                  failures.push(
                    `${family.kind} ${parameter}: (${a}, ${b}) → (${a}, ${b + 1}) of ${nt}, ${nc}`,
                  )
                if (a < nt && !(family.statistic(a + 1, b, parameter) >= t - slack))
                  failures.push(
                    `${family.kind} ${parameter}: (${a}, ${b}) → (${a + 1}, ${b}) of ${nt}, ${nc}`,
                  )
              }
    expect(failures.slice(0, 10)).toEqual([])
  }, 60_000)

  /** Every table's membership, by the definition: |T| ≥ |t|(1 − TIE), or T ≥ t − TIE·|t|. */
  function byDefinition(
    family: Family,
    nt: number,
    nc: number,
    observed: number,
    parameter: number,
    two: boolean,
  ) {
    const inside: boolean[][] = []
    for (let a = 0; a <= nt; a++) {
      inside.push([])
      for (let b = 0; b <= nc; b++) {
        const t = family.statistic(a, b, parameter)
        inside[a]!.push(
          two
            ? Math.abs(t) >= (Number.isFinite(observed) ? Math.abs(observed) * (1 - TIE) : Infinity)
            : t >= (Number.isFinite(observed) ? observed - TIE * Math.abs(observed) : observed),
        )
      }
    }
    return inside
  }

  it('walked as staircases hold exactly the tables the definition puts in them', () => {
    for (const nt of [1, 4, 13, 30])
      for (const nc of [2, 7, 21])
        for (const [family, parameters] of [
          [differenceFamily(nt, nc), [-0.6, -0.1, 0, 0.05, 0.4]],
          [ratioFamily(nt, nc), [0.3, 0.9, 1, 1.7, 5]],
        ] as const)
          for (const parameter of parameters)
            for (const two of [true, false])
              for (let xt = 0; xt <= nt; xt += Math.max(1, Math.floor(nt / 4)))
                for (let xc = 0; xc <= nc; xc += Math.max(1, Math.floor(nc / 3))) {
                  const observed = family.statistic(xt, xc, parameter)
                  const region = regionOf(family, nt, nc, observed, parameter, two ? 'two-sided' : 'greater')
                  const inside = byDefinition(family, nt, nc, observed, parameter, two)
                  for (let a = 0; a <= nt; a++)
                    for (let b = 0; b <= nc; b++) {
                      const walked = region.all || b <= region.upper[a]! || b >= region.lower[a]!
                      if (walked !== inside[a]![b])
                        expect.fail(`${family.kind} ${parameter} ${xt}/${nt} vs ${xc}/${nc} at (${a}, ${b})`)
                    }
                }
  })
})

describe('the exact p-value', () => {
  it('is the same test at no change for the difference and the ratio', () => {
    for (const [xt, nt, xc, nc] of [
      [17, 62, 9, 60],
      [0, 10, 4, 12],
      [3, 5, 1, 9],
    ] as const) {
      const table = { xt, nt, xc, nc }
      for (const alternative of ['two-sided', 'greater'] as const) {
        const difference = new ExactTest(differenceFamily(nt, nc), table, alternative).pValue(0)
        const ratio = new ExactTest(ratioFamily(nt, nc), table, alternative, Math.exp).pValue(0)
        expect(ratio).toBe(difference)
      }
    }
  })

  it('counts a table whose statistic ties the observed one in all but the last bits', () => {
    // 3/3 against 1/2: the table 0/3 against 1/2 has the same |z| mathematically, 1 ulp apart in
    // doubles. SciPy's barnard_exact compares exactly and gives 0.33441; counting the tie, the
    // supremum is ¾·½ = 0.375 (SciPy's own optimiser on the region with the tie kept agrees).
    const p = new ExactTest(differenceFamily(3, 2), { xt: 3, nt: 3, xc: 1, nc: 2 }, 'two-sided').pValue(0)
    expectCloseTo(p, 0.375, 1e-13)
  })
})
