import { describe, expect, it } from 'vitest'
import * as stats from '../../stats/index.ts'

describe('reasons', () => {
  it('lists every reason once, each with an explanation', () => {
    expect(new Set(stats.reasonCodes).size).toBe(stats.reasonCodes.length)
    for (const code of stats.reasonCodes) expect(stats.reasons[code].length).toBeGreaterThan(10)
  })

  it('uses only listed reasons in results', () => {
    const seen = [
      stats.relativeLift({ treatment: { deals: 3, conversions: 1 }, control: { deals: 3, conversions: 0 } })
        .reason,
      stats.welchTTest([1], [2, 3]).reason,
      stats.mannWhitney([1, 1], [1]).reason,
      stats.powerAnalysis({ baselineRate: 0.2, control: 10, treatment: 10 }).reason,
    ]
    for (const reason of seen) expect(stats.reasonCodes).toContain(reason)
  })

  it('refuses impossible input with a StatsInputError naming the field', () => {
    expect(() => stats.wilsonInterval(3, 2)).toThrow(/conversions: cannot exceed deals/)
    const error = (() => {
      try {
        stats.sampleSize({ baselineRate: Number.NaN, minimumDetectableEffect: 0.1 })
      } catch (e) {
        return e
      }
      return null
    })()
    expect(error).toBeInstanceOf(stats.StatsInputError)
    expect(error).toBeInstanceOf(RangeError)
    expect((error as stats.StatsInputError).field).toBe('baselineRate')
  })
})
