import { describe, expect, it } from 'vitest'
import {
  StatsInputError,
  adjustPValues,
  agrestiCaffoDifference,
  clopperPearsonInterval,
  compareRevenue,
  fisherExact,
  mannWhitney,
  newcombeDifference,
  relativeLift,
  sampleRatioMismatch,
  twoProportionZTest,
  waldDifference,
  welchTTest,
  wilsonInterval,
} from '../../stats/index.ts'
import type { ArmCounts } from '../../stats/types.ts'

/** The field a refusal names. */
function refusedField(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(StatsInputError)
    return (error as StatsInputError).field
  }
  throw new Error('expected a refusal')
}

const counts: ArmCounts = { treatment: { deals: 10, conversions: 4 }, control: { deals: 12, conversions: 3 } }
const empty = { deals: 0, conversions: 0 }
const some = { deals: 5, conversions: 2 }

describe('each function names the argument it refuses', () => {
  it('confidence', () => {
    expect(refusedField(() => wilsonInterval(1, 2, 1))).toBe('confidence')
    expect(refusedField(() => clopperPearsonInterval(1, 2, 0))).toBe('confidence')
    expect(refusedField(() => newcombeDifference(counts, 1))).toBe('confidence')
    expect(refusedField(() => waldDifference(counts, 1))).toBe('confidence')
    expect(refusedField(() => agrestiCaffoDifference(counts, 1))).toBe('confidence')
    expect(refusedField(() => relativeLift(counts, 1))).toBe('confidence')
    expect(refusedField(() => fisherExact(counts, { confidence: 1 }))).toBe('confidence')
    expect(refusedField(() => welchTTest([1, 2], [3, 4], { confidence: 1 }))).toBe('confidence')
  })

  it('alternative and method', () => {
    const bad = 'sideways' as never
    expect(refusedField(() => fisherExact(counts, { alternative: bad }))).toBe('alternative')
    expect(refusedField(() => twoProportionZTest(counts, bad))).toBe('alternative')
    expect(refusedField(() => welchTTest([1, 2], [3, 4], { alternative: bad }))).toBe('alternative')
    expect(refusedField(() => mannWhitney([1, 2], [3, 4], bad))).toBe('alternative')
    expect(refusedField(() => adjustPValues([0.1], bad))).toBe('method')
    expect(refusedField(() => adjustPValues([0.1, 2], 'holm'))).toBe('pValues[1]')
  })

  it('the arm and the part of it', () => {
    expect(refusedField(() => wilsonInterval(3, 2))).toBe('arm.conversions')
    expect(refusedField(() => clopperPearsonInterval(1, -2))).toBe('arm.deals')
    expect(refusedField(() => twoProportionZTest({ ...counts, control: { deals: 1, conversions: 2 } }))).toBe(
      'control.conversions',
    )
    expect(
      refusedField(() => twoProportionZTest({ ...counts, treatment: { deals: 1.5, conversions: 0 } })),
    ).toBe('treatment.deals')
    expect(refusedField(() => mannWhitney([1, NaN], [3]))).toBe('treatment[1]')
    expect(refusedField(() => mannWhitney([1], [Infinity]))).toBe('control[0]')
    expect(refusedField(() => welchTTest([1, 2], [NaN, 4]))).toBe('control[0]')
    expect(refusedField(() => welchTTest([1, NaN], [3, 4]))).toBe('treatment[1]')
  })

  it('the counts and shares of a sample ratio check', () => {
    const planned = { control: 1, treatment: 1 }
    expect(refusedField(() => sampleRatioMismatch({ control: -1, treatment: 3 }, planned))).toBe(
      'counts.control',
    )
    expect(refusedField(() => sampleRatioMismatch({ control: 3, treatment: 0.5 }, planned))).toBe(
      'counts.treatment',
    )
    expect(
      refusedField(() => sampleRatioMismatch({ control: 3, treatment: 3 }, { control: 0, treatment: 1 })),
    ).toBe('planned.control')
    expect(
      refusedField(() => sampleRatioMismatch({ control: 3, treatment: 3 }, { control: 1, treatment: -1 })),
    ).toBe('planned.treatment')
  })
})

describe('an arm without deals on either side', () => {
  it('leaves every two-arm estimate undefined with no_deals, whichever arm is empty', () => {
    for (const arms of [
      { treatment: empty, control: some },
      { treatment: some, control: empty },
    ]) {
      const none = { estimate: null, interval: null, reason: 'no_deals' }
      expect(newcombeDifference(arms)).toEqual(none)
      expect(waldDifference(arms)).toEqual(none)
      expect(agrestiCaffoDifference(arms)).toEqual(none)
      expect(relativeLift(arms)).toEqual(none)
      expect(twoProportionZTest(arms)).toEqual({ z: null, pValue: null, reason: 'no_deals' })
      expect(fisherExact(arms)).toEqual({
        pValue: 1,
        oddsRatio: 0,
        oddsRatioInterval: [0, Infinity],
        reason: 'no_deals',
      })
    }
  })

  it('gives Mann-Whitney no p-value when either arm has no values', () => {
    expect(mannWhitney([], [1, 2])).toEqual({ w: null, pValue: null, reason: 'too_few_values' })
    expect(mannWhitney([1, 2], [])).toEqual({ w: null, pValue: null, reason: 'too_few_values' })
  })

  it('gives Welch no test when either arm has fewer than two values', () => {
    const none = { estimate: null, interval: null, t: null, df: null, pValue: null, reason: 'too_few_values' }
    expect(welchTTest([1], [1, 2, 3])).toEqual(none)
    expect(welchTTest([1, 2, 3], [1])).toEqual(none)
  })

  it('z-test: no conversion in either arm is no_conversions, a conversion in one is a test', () => {
    expect(
      twoProportionZTest({ treatment: { deals: 4, conversions: 0 }, control: { deals: 5, conversions: 0 } }),
    ).toEqual({ z: null, pValue: null, reason: 'no_conversions' })
    expect(
      twoProportionZTest({ treatment: { deals: 4, conversions: 1 }, control: { deals: 5, conversions: 0 } })
        .reason,
    ).toBeNull()
  })
})

describe('the ends of a one-arm interval', () => {
  it('is exactly 1 at the top when every deal converted, and below 1 otherwise', () => {
    expect(wilsonInterval(5, 5).interval![1]).toBe(1)
    expect(wilsonInterval(4, 5).interval![1]).toBeLessThan(1)
    expect(clopperPearsonInterval(5, 5).interval![1]).toBe(1)
    expect(clopperPearsonInterval(4, 5).interval![1]).toBeLessThan(1)
  })
})

describe('sampleRatioMismatch', () => {
  it('flags a mismatch exactly when p < 0.001, on both sides of it', () => {
    // 5,000 control deals against t treatment deals, planned 50/50: X² = (t − 5000)²/(t + 5000)
    // crosses qchisq(0.999, 1) = 10.83 between t = 5,334 (p = 0.00102, SciPy chi2.sf) and 5,336
    // (p = 0.00095).
    const seen = new Set<boolean>()
    for (let treatment = 5300; treatment <= 5360; treatment += 2) {
      const r = sampleRatioMismatch({ control: 5000, treatment }, { control: 1, treatment: 1 })
      expect(r.mismatch).toBe(r.pValue! < 0.001)
      seen.add(r.mismatch)
    }
    expect(seen).toEqual(new Set([true, false]))
  })
})

describe('compareRevenue', () => {
  const treatment = [12, 15, 11, 19, 14]
  const control = [10, 9, 13, 8, 11]

  it('is two-sided at 95 % unless told otherwise', () => {
    const r = compareRevenue({ treatment, control })
    const w = welchTTest(treatment, control, { alternative: 'two-sided', confidence: 0.95 })
    expect(r.difference).toEqual({ estimate: w.estimate, interval: w.interval })
    expect(r.welch).toEqual({ t: w.t, df: w.df, pValue: w.pValue })
  })

  it('passes the alternative and the confidence on to Welch and Mann-Whitney', () => {
    const r = compareRevenue({ treatment, control, alternative: 'greater', confidence: 0.9 })
    const w = welchTTest(treatment, control, { alternative: 'greater', confidence: 0.9 })
    expect(r.difference.interval).toEqual(w.interval)
    expect(r.welch.pValue).toBe(w.pValue)
    expect(r.mannWhitney!.pValue).toBe(mannWhitney(treatment, control, 'greater').pValue)
  })
})
