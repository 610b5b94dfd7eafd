import { describe, expect, it } from 'vitest'
import {
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
    const v = verdict({ ...practice, plan })
    const base = significance({ ...practice, confidence: 0.95, alternative: 'two-sided' })
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

  it('at an interim look, is significant only past the O’Brien-Fleming boundary', () => {
    const strong = { treatment: { deals: 150, conversions: 60 }, control: { deals: 150, conversions: 30 } }
    const atLook = verdict({ ...strong, plan: { ...plan, interimLooks: 4, lookNumber: 1 } })
    expect(atLook.sequential!.boundary).toBeCloseTo(
      obrienFlemingBoundaries(0.05, [0.25, 0.5, 0.75, 1]).boundaries[0]!,
      12,
    )
    expect(atLook.pValue).toBeLessThan(0.05)
    expect(atLook.sequential!.crossed).toBe(Math.abs(atLook.zTest.z!) >= atLook.sequential!.boundary)
    expect(atLook.significant).toBe(atLook.sequential!.crossed)
    expect(verdict({ ...strong, plan: { ...plan, interimLooks: 4, lookNumber: 4 } }).significant).toBe(true)
  })

  it('says in both languages what a leader needs, with locale number formats', () => {
    const { en, ru } = verdict({ ...practice, plan }).summary
    expect(en).toContain('62 deals with the change, 60 without.')
    expect(en).toContain('27.4%')
    expect(en).toContain('about 95%')
    expect(en).toContain('not yet conclusive (p = 0.12)')
    expect(ru).toContain('62 сделки с изменением')
    expect(ru).toMatch(/27,4\s%/)
    expect(ru).toContain('p = 0,12')
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
