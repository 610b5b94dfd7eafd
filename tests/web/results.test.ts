import { describe, expect, it } from 'vitest'
import { TestResults } from '../../server/schemas/results.ts'
import { ends, HEADLINE_TONE, otherMethods, settledSeries, summaryText } from '../../web/src/lib/results.ts'

const verdict = (over: Record<string, unknown> = {}) =>
  ({
    control: { rate: 0.15, interval: [0.08, 0.26] },
    treatment: { rate: 0.274, interval: [0.178, 0.398] },
    difference: { estimate: 0.124, interval: [-0.02, 0.26] },
    significant: false,
    bayes: { probabilityTreatmentBetter: 0.95 },
    summary: { en: 'In English.', ru: 'По-русски.' },
    ...over,
  }) as any

describe('HEADLINE_TONE', () => {
  it('gives every headline the server sends a tone: a rise good, a fall bad, collecting accent, the rest neutral', () => {
    const codes = TestResults.shape.headline.options
    expect(Object.fromEntries(codes.map((code) => [code, HEADLINE_TONE[code]]))).toEqual({
      no_data: 'neutral',
      collecting: 'accent',
      significant_rise: 'good',
      significant_fall: 'bad',
      no_effect: 'neutral',
      not_proven: 'neutral',
    })
  })
})

describe('summaryText', () => {
  it('picks the language from a two-language summary and passes a string through', () => {
    expect(summaryText({ en: 'In English.', ru: 'По-русски.' }, 'ru')).toBe('По-русски.')
    expect(summaryText('Already chosen.', 'en')).toBe('Already chosen.')
    expect(summaryText(null, 'en')).toBe('')
  })
})

describe('ends', () => {
  it('drops an interval with an open end', () => {
    expect(ends([0.1, null])).toBeNull()
    expect(ends([0.1, 0.2])).toEqual([0.1, 0.2])
  })
})

describe('settledSeries', () => {
  it('starts on the first day both groups have enough deals', () => {
    const day = (c: number, t: number) => ({ control: { deals: c }, treatment: { deals: t } })
    expect(settledSeries([day(1, 0), day(4, 6), day(5, 5), day(9, 8)], 5)).toEqual([day(5, 5), day(9, 8)])
    expect(settledSeries([day(1, 0)], 5)).toEqual([])
  })
})

describe('otherMethods', () => {
  const fields = {
    fisher: { pValue: 0.122, oddsRatio: 2.13, oddsRatioInterval: [0.8, 5.99] },
    chiSquare: { pValue: 0.094 },
    chiSquareYates: { pValue: 0.146 },
    zTest: { pValue: 0.094 },
    bayes: { probabilityTreatmentBetter: 0.95 },
  }

  it('takes the checks the server sends, with its reasons', () => {
    const checks = [
      {
        method: 'fisher',
        pValue: 0.122,
        measure: 'oddsRatio',
        estimate: 2.13,
        interval: [0.8, 5.99],
        whyDifferent: 'conditions_on_conversions',
      },
      {
        method: 'chiSquare',
        pValue: 0.094,
        measure: null,
        estimate: null,
        interval: null,
        whyDifferent: 'same_test',
      },
    ]
    expect(otherMethods(verdict({ ...fields, checks }))).toBe(checks)
  })

  it("reads Fisher, chi-square, z and Bayes from the verdict's fields when there are no checks", () => {
    expect(otherMethods(verdict(fields))).toEqual([
      {
        method: 'fisher',
        pValue: 0.122,
        measure: 'oddsRatio',
        estimate: 2.13,
        interval: [0.8, 5.99],
        whyDifferent: 'other_method',
      },
      {
        method: 'chiSquare',
        pValue: 0.094,
        measure: null,
        estimate: null,
        interval: null,
        whyDifferent: 'other_method',
      },
      {
        method: 'chiSquareYates',
        pValue: 0.146,
        measure: null,
        estimate: null,
        interval: null,
        whyDifferent: 'other_method',
      },
      {
        method: 'zTest',
        pValue: 0.094,
        measure: null,
        estimate: null,
        interval: null,
        whyDifferent: 'other_method',
      },
      {
        method: 'bayes',
        pValue: null,
        measure: 'probabilityTreatmentBetter',
        estimate: 0.95,
        interval: null,
        whyDifferent: 'other_method',
      },
    ])
  })
})
