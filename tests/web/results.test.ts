import { describe, expect, it } from 'vitest'
import { ends, headlineOf, summaryText } from '../../web/src/lib/results.ts'

const verdict = (over: Record<string, unknown> = {}) =>
  ({
    control: { rate: 0.15, interval: [0.08, 0.26] },
    treatment: { rate: 0.274, interval: [0.178, 0.398] },
    difference: { estimate: 0.124, interval: [-0.02, 0.26] },
    significant: false,
    bayes: { probabilityTreatmentBetter: 0.95 },
    summary: { en: 'In English.', ru: 'По-русски.' },
    ...over
  }) as any

describe('headlineOf', () => {
  it('says the data lean when a finished test is not significant but likely better', () => {
    expect(headlineOf({ verdict: verdict(), progress: {} as any, provisional: false })).toBe('leaning')
  })

  it('says the test is still collecting while results are provisional', () => {
    expect(headlineOf({ verdict: verdict(), progress: {} as any, provisional: true })).toBe('collecting')
  })

  it('names the direction of a significant difference', () => {
    expect(headlineOf({ verdict: verdict({ significant: true }), progress: {} as any, provisional: false })).toBe('helps')
    expect(
      headlineOf({ verdict: verdict({ significant: true, difference: { estimate: -0.1, interval: null } }), progress: {} as any, provisional: false })
    ).toBe('harms')
  })

  it('has nothing to say before both arms have deals', () => {
    expect(headlineOf({ verdict: verdict({ control: { rate: null, interval: null } }), progress: {} as any, provisional: true })).toBe('noData')
  })

  it('calls an even result no difference', () => {
    expect(headlineOf({ verdict: verdict({ bayes: { probabilityTreatmentBetter: 0.6 } }), progress: {} as any, provisional: false })).toBe(
      'noDifference'
    )
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
