import { describe, expect, it } from 'vitest'
import {
  normalUpper,
  whyDifferent,
  compareRevenue,
  minimumDetectableEffect,
  obrienFlemingBoundaries,
  significance,
  StatsInputError,
  verdict,
  achievedPower,
} from '../../stats/index.ts'
import type { Plan } from '../../stats/index.ts'

const plan: Plan = {
  alpha: 0.05,
  power: 0.8,
  alternative: 'two-sided',
  controlShare: 0.5,
  targetDeals: 300,
  expectedLift: 0.1,
}
const practice = { treatment: { deals: 62, conversions: 17 }, control: { deals: 60, conversions: 9 } }

describe('verdict', () => {
  it('joins significance, SRM, power and MDE at the plan’s alpha', () => {
    const v = verdict({ ...practice, plan: { ...plan, primaryMethod: 'score' } })
    const base = significance({ ...practice, confidence: 0.95, alternative: 'two-sided', method: 'score' })
    for (const key of Object.keys(base) as (keyof typeof base)[]) expect(v[key]).toEqual(base[key])
    expect(v.srm.mismatch).toBe(false)
    expect(v.revenue).toBeNull()
    expect(v.sequential).toBeNull()
    const design = { baselineRate: 0.15, alpha: 0.05, alternative: 'two-sided' as const }
    expect(v.power).toEqual({
      achieved: achievedPower({ ...design, effect: 0.1, control: 60, treatment: 62 }),
      baselineRate: 0.15,
      reason: null,
    })
    expect(v.minimumDetectableEffect).toEqual(
      minimumDetectableEffect({ ...design, power: 0.8, control: 60, treatment: 62 }),
    )
  })

  it('flags a sample ratio mismatch against the planned split', () => {
    const v = verdict({
      treatment: { deals: 300, conversions: 30 },
      control: { deals: 700, conversions: 70 },
      plan: { ...plan, controlShare: 0.5 },
    })
    expect(v.srm.mismatch).toBe(true)
    expect(
      verdict({
        treatment: { deals: 300, conversions: 30 },
        control: { deals: 700, conversions: 70 },
        plan: { ...plan, controlShare: 0.7 },
      }).srm.mismatch,
    ).toBe(false)
  })

  it('adds Welch and Mann-Whitney for raw revenue, Welch only for SQL sums', () => {
    const revenue = { treatment: [12, 15, 11, 19, 14], control: [10, 9, 13, 8, 11] }
    const raw = verdict({ ...practice, plan, revenue })
    expect(raw.revenue).toEqual(compareRevenue({ ...revenue, confidence: 0.95, alternative: 'two-sided' }))
    const sums = verdict({
      ...practice,
      plan,
      revenue: {
        treatment: { n: 5, sum: 71, sumSquares: 1047 },
        control: { n: 5, sum: 51, sumSquares: 535 },
      },
    })
    expect(sums.revenue!.mannWhitney).toBeNull()
    expect(sums.revenue!.welch.pValue).toBeCloseTo(raw.revenue!.welch.pValue!, 12)
  })

  it('at an interim look, runs the primary at the look’s nominal alpha: significant only past the boundary', () => {
    const strong = { treatment: { deals: 150, conversions: 60 }, control: { deals: 150, conversions: 30 } }
    const atLook = verdict({ ...strong, plan: { ...plan, interimLooks: 4, lookNumber: 1 } })
    const boundary = obrienFlemingBoundaries(0.05, [0.25, 0.5, 0.75, 1]).boundaries[0]!
    expect(atLook.sequential!.boundary).toBeCloseTo(boundary, 12)
    expect(atLook.sequential!.planAlpha).toBe(0.05)
    expect(atLook.sequential!.nominalAlpha).toBeCloseTo(2 * normalUpper(boundary), 15)
    expect(atLook.primary.alpha).toBe(atLook.sequential!.nominalAlpha)
    expect(atLook.pValue).toBeLessThan(0.05)
    expect(atLook.sequential!.crossed).toBe(Math.abs(atLook.zTest.z!) >= boundary)
    expect(atLook.significant).toBe(atLook.sequential!.crossed)
    expect(atLook.difference.interval![0] > 0).toBe(atLook.significant)
    expect(verdict({ ...strong, plan: { ...plan, interimLooks: 4, lookNumber: 4 } }).significant).toBe(true)
  })

  it('at every look, significant ⇔ boundary crossed ⇔ the repeated confidence intervals exclude 0', () => {
    const fractions = [0.1, 0.4, 0.7, 1]
    for (const method of ['score', 'exact'] as const)
      for (const alternative of ['two-sided', 'greater'] as const)
        for (const [tx, cx] of [
          [18, 6],
          [14, 8],
          [25, 5],
        ] as const) {
          for (let look = 1; look <= fractions.length; look++) {
            const v = verdict({
              treatment: { deals: 40, conversions: tx },
              control: { deals: 40, conversions: cx },
              plan: {
                ...plan,
                alternative,
                informationFractions: fractions,
                lookNumber: look,
                primaryMethod: method,
              },
            })
            const s = v.sequential!
            expect(s.nominalAlpha).toBeCloseTo(
              (alternative === 'greater' ? 1 : 2) * normalUpper(s.boundary),
              15,
            )
            expect(v.significant).toBe(v.pValue! < s.nominalAlpha)
            expect(s.crossed).toBe(v.significant)
            expect(
              v.primary.difference.interval![0]! > 0 || (v.primary.difference.interval![1] ?? 1) < 0,
            ).toBe(v.significant)
            if (method === 'score') {
              const z = v.zTest.z!
              expect(s.crossed).toBe(alternative === 'greater' ? z >= s.boundary : Math.abs(z) >= s.boundary)
            }
          }
        }
  })

  it('designs a one-sided plan with looks at its alpha on one side (the two-sided design at 2α)', () => {
    const v = verdict({
      ...practice,
      plan: { ...plan, alternative: 'greater', interimLooks: 2, lookNumber: 2 },
    })
    const design = obrienFlemingBoundaries(0.1, [0.5, 1])
    expect(v.sequential!.boundary).toBe(design.boundaries[1])
    expect(v.sequential!.cumulativeAlpha).toBeCloseTo(0.05, 12)
  })

  it('keeps explicit information fractions and refuses a look outside them', () => {
    const fractions = [0.2, 0.55, 1]
    const v = verdict({ ...practice, plan: { ...plan, informationFractions: fractions, lookNumber: 2 } })
    expect(v.sequential!.boundary).toBe(obrienFlemingBoundaries(0.05, fractions).boundaries[1])
    for (const lookNumber of [0, 4, 1.5])
      expect(() =>
        verdict({ ...practice, plan: { ...plan, informationFractions: fractions, lookNumber } }),
      ).toThrow(StatsInputError)
  })

  it('uses the plan’s primary method, else the rule on the planned arms at the plan’s baseline', () => {
    expect(verdict({ ...practice, plan: { ...plan, primaryMethod: 'exact' } }).primary.method).toBe('exact')
    // 150 + 150 planned deals at a 2 % baseline: 3 expected conversions per arm
    expect(verdict({ ...practice, plan: { ...plan, baselineRate: 0.02 } }).primary.method).toBe('exact')
    expect(verdict({ ...practice, plan: { ...plan, baselineRate: 0.15 } }).primary.method).toBe('score')
  })

  it('lists the other methods as checks, each with why it may differ', () => {
    const v = verdict({ ...practice, plan: { ...plan, primaryMethod: 'exact' } })
    expect(v.checks.map((c) => [c.method, c.whyDifferent])).toEqual([
      ['fisher', 'conditions_on_conversions'],
      ['chiSquare', 'large_sample_approximation'],
      ['chiSquareYates', 'continuity_correction'],
      ['zTest', 'large_sample_approximation'],
      ['newcombe', 'combines_arm_intervals'],
      ['katz', 'log_scale_approximation'],
      ['bayes', 'probability_not_p_value'],
    ])
    expect(v.recommended).toBe('fisher')
    for (const c of v.checks) {
      expect(whyDifferent[c.whyDifferent].en.length).toBeGreaterThan(20)
      expect(whyDifferent[c.whyDifferent].ru.length).toBeGreaterThan(20)
    }
  })

  it('says in both languages what a leader needs, with locale number formats', () => {
    const { en, ru } = verdict({ ...practice, plan }).summary
    expect(en).toContain('62 deals with the change, 60 without.')
    expect(en).toContain('27.4%')
    expect(en).toContain('+12.4 points (95% interval: -2.2 to +26.8)')
    expect(en).toContain('not yet conclusive (score test, p = 0.094)')
    expect(ru).toContain('62 сделки с изменением')
    expect(ru).toMatch(/27,4\s%/)
    expect(ru).toMatch(/\+12,4 п\. п\. \(интервал 95\s%: от -2,2 до \+26,8\)/)
    expect(ru).toContain('пока не доказана (score-тест, p = 0,094)')
  })

  it('uses the wording labels given by the server', () => {
    const { en } = verdict({
      ...practice,
      plan,
      labels: {
        en: { treatmentLabel: 'with the chain', controlLabel: 'without it', metricLabel: 'extra equipment' },
      },
    }).summary
    expect(en).toContain('62 deals with the chain, 60 without it.')
    expect(en).toContain('Extra equipment: 27.4% with the chain')
  })

  it('never throws on degenerate input: no deals, one deal, no or all conversions', () => {
    const cases = [
      { treatment: { deals: 0, conversions: 0 }, control: { deals: 0, conversions: 0 } },
      { treatment: { deals: 1, conversions: 0 }, control: { deals: 1, conversions: 1 } },
      { treatment: { deals: 30, conversions: 0 }, control: { deals: 30, conversions: 0 } },
      { treatment: { deals: 30, conversions: 30 }, control: { deals: 30, conversions: 30 } },
    ]
    for (const counts of cases) {
      const v = verdict({ ...counts, plan, revenue: { treatment: [5], control: [] } })
      expect(v.summary.en.length).toBeGreaterThan(0)
      expect(v.revenue!.reason).toBe('too_few_values')
    }
    expect(verdict({ ...cases[0]!, plan }).power.reason).toBe('no_deals')
  })

  it('refuses an impossible plan', () => {
    expect(() => verdict({ ...practice, plan: { ...plan, alpha: 0 } })).toThrow(StatsInputError)
    expect(() => verdict({ ...practice, plan: { ...plan, controlShare: 1 } })).toThrow(StatsInputError)
    expect(() => verdict({ ...practice, plan: { ...plan, interimLooks: 3, lookNumber: 4 } })).toThrow(
      StatsInputError,
    )
  })
})
