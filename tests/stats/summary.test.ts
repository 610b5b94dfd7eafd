import { describe, expect, it } from 'vitest'
import { summarize, verdict, type Plan, type Verdict } from '../../stats/index.ts'
import type { ArmCounts } from '../../stats/types.ts'

const plan: Plan = {
  alpha: 0.05,
  power: 0.8,
  alternative: 'two-sided',
  controlShare: 0.5,
  targetDeals: 300,
  expectedLift: 0.1,
}
const practice: ArmCounts = {
  treatment: { deals: 62, conversions: 17 },
  control: { deals: 60, conversions: 9 },
}
const base = verdict({ ...practice, plan })

type Parts = Parameters<typeof summarize>[0]

/** The practice verdict with some parts replaced, to reach each wording's boundary. */
function parts(changes: {
  pValue?: number | null
  significant?: boolean
  method?: 'exact' | 'score'
  interval?: readonly [number | null, number | null] | null
  alpha?: number
  mde?: number | null
  sequential?: Verdict['sequential']
}): Parts {
  return {
    ...base,
    primary: {
      ...base.primary,
      ...(changes.pValue !== undefined && { pValue: changes.pValue }),
      ...(changes.significant !== undefined && { significant: changes.significant }),
      ...(changes.method !== undefined && { method: changes.method }),
      ...(changes.alpha !== undefined && { alpha: changes.alpha }),
      ...(changes.interval !== undefined && {
        difference: { ...base.primary.difference, interval: changes.interval },
      }),
    },
    minimumDetectableEffect:
      changes.mde === undefined
        ? base.minimumDetectableEffect
        : { effect: changes.mde, reason: changes.mde === null ? 'effect_not_detectable' : null },
    sequential: changes.sequential === undefined ? null : changes.sequential,
  }
}

/** Intl's Russian formats separate with no-break spaces; the tests write plain ones. */
const plain = (text: string) => text.replace(/\s/g, ' ')

/** The sentence of `text` that starts with `start` (up to a full stop before a capital). */
function sentence(text: string, start: string): string {
  const from = plain(text)
  const at = from.indexOf(start)
  expect(at, `no sentence starting “${start}” in “${from}”`).toBeGreaterThanOrEqual(0)
  const end = from.slice(at).search(/\. (?=[A-ZА-Я])/)
  return end < 0 ? from.slice(at) : from.slice(at, at + end + 1)
}

describe('summarize', () => {
  it('writes the whole practice summary in English and Russian', () => {
    const { en, ru } = summarize(base, practice)
    expect({ en, ru: plain(ru) }).toEqual({
      en:
        '62 deals with the change, 60 without. Conversion: 27.4% with the change, against 15% without. ' +
        'With the change, conversion differs by +12.4 points (95% interval: -2.2 to +26.8): the ' +
        'difference is not yet conclusive (score test, p = 0.094). With 122 deals this test can detect ' +
        'rises of 22 points or more, not smaller ones.',
      ru:
        '62 сделки с изменением, 60 без него. Конверсия: 27,4 % с изменением против 15 % без него. ' +
        'С изменением показатель «конверсия» отличается на +12,4 п. п. (интервал 95 %: от -2,2 до +26,8): ' +
        'разница пока не доказана (score-тест, p = 0,094). При 122 сделках тест может обнаружить рост ' +
        'на 22 п. п. и больше, но не меньше.',
    })
  })

  it('stops after the counts when an arm has no deals', () => {
    const counts = { treatment: { deals: 1, conversions: 1 }, control: { deals: 0, conversions: 0 } }
    expect(summarize(verdict({ ...counts, plan }), counts)).toEqual({
      en: '1 deal with the change, 0 without. An arm has no deals yet, so there is nothing to compare.',
      ru: '1 сделка с изменением, 0 без него. В одной из групп ещё нет сделок, сравнивать пока нечего.',
    })
  })

  it('stops after the counts when the control arm alone has no deals yet', () => {
    const counts = { treatment: { deals: 0, conversions: 0 }, control: { deals: 5, conversions: 1 } }
    expect(summarize(verdict({ ...counts, plan }), counts).en).toBe(
      '0 deals with the change, 5 without. An arm has no deals yet, so there is nothing to compare.',
    )
  })

  it('declines deals in Russian by count: 1 сделка, 3 сделки, 5 сделок, 21 сделка', () => {
    const ru = (n: number) =>
      summarize(base, { treatment: { deals: n, conversions: 0 }, control: { deals: 1, conversions: 0 } }).ru
    expect(sentence(ru(1), '1 ')).toBe('1 сделка с изменением, 1 без него.')
    expect(sentence(ru(3), '3 ')).toBe('3 сделки с изменением, 1 без него.')
    expect(sentence(ru(5), '5 ')).toBe('5 сделок с изменением, 1 без него.')
    expect(sentence(ru(21), '21 ')).toBe('21 сделка с изменением, 1 без него.')
    expect(sentence(ru(20), 'При')).toBe(
      'При 21 сделке тест может обнаружить рост на 22 п. п. и больше, но не меньше.',
    )
    expect(sentence(ru(21), 'При')).toBe(
      'При 22 сделках тест может обнаружить рост на 22 п. п. и больше, но не меньше.',
    )
  })

  it('says “statistically significant” exactly when the primary analysis is, in both languages', () => {
    const { en, ru } = summarize(parts({ significant: true, pValue: 0.03 }), practice)
    expect(en).toContain('): the difference is statistically significant (score test, p = 0.03).')
    expect(plain(ru)).toContain('): разница статистически значима (score-тест, p = 0,03).')
  })

  it('names the exact test when it is the primary method', () => {
    const { en, ru } = summarize(parts({ method: 'exact' }), practice)
    expect(en).toContain('(exact test, p = 0.094)')
    expect(plain(ru)).toContain('(точный тест, p = 0,094)')
  })

  it('writes p < 0.001 below a thousandth and the p-value itself from a thousandth up', () => {
    expect(summarize(parts({ pValue: 0.000999 }), practice).en).toContain('(score test, p < 0.001)')
    expect(plain(summarize(parts({ pValue: 0.000999 }), practice).ru)).toContain('(score-тест, p < 0,001)')
    expect(summarize(parts({ pValue: 0.001 }), practice).en).toContain('(score test, p = 0.001)')
  })

  it('reads a missing p-value as p = 1', () => {
    expect(summarize(parts({ pValue: null }), practice).en).toContain('(score test, p = 1)')
  })

  it('gives the primary analysis’s interval at the plan’s level, one-sided when the plan is', () => {
    const difference = (changes: Parameters<typeof parts>[0]) => {
      const { en, ru } = summarize(parts(changes), practice)
      return [
        sentence(en, 'With the change,').split('): ')[0] + ')',
        plain(sentence(ru, 'С изменением')).split('): ')[0] + ')',
      ]
    }
    expect(difference({ interval: [0.0123, 0.2] })).toEqual([
      'With the change, conversion differs by +12.4 points (95% interval: +1.2 to +20.0)',
      'С изменением показатель «конверсия» отличается на +12,4 п. п. (интервал 95 %: от +1,2 до +20,0)',
    ])
    expect(difference({ interval: [-0.05, 0.3], alpha: 0.1 })[0]).toBe(
      'With the change, conversion differs by +12.4 points (90% interval: -5.0 to +30.0)',
    )
    expect(difference({ interval: [0.002, null] })).toEqual([
      'With the change, conversion differs by +12.4 points (95% one-sided interval: at least +0.2)',
      'С изменением показатель «конверсия» отличается на +12,4 п. п. (односторонний интервал 95 %: не ниже +0,2)',
    ])
    expect(sentence(summarize(parts({ interval: null }), practice).en, 'With the change,')).toBe(
      'With the change, conversion differs by +12.4 points: the difference is not yet conclusive (score test, p = 0.094).',
    )
  })

  it('gives the smallest detectable rise in whole points, at least one, singular for one', () => {
    const mde = (effect: number | null) => summarize(parts({ mde: effect }), practice)
    expect(sentence(mde(0.004).en, 'With 122')).toBe(
      'With 122 deals this test can detect rises of 1 point or more, not smaller ones.',
    )
    expect(sentence(mde(0.012).en, 'With 122')).toBe(
      'With 122 deals this test can detect rises of 1 point or more, not smaller ones.',
    )
    expect(sentence(mde(0.016).en, 'With 122')).toBe(
      'With 122 deals this test can detect rises of 2 points or more, not smaller ones.',
    )
    expect(sentence(mde(null).en, 'With 122')).toBe(
      'With 122 deals this test cannot yet detect a realistic rise.',
    )
    expect(sentence(mde(null).ru, 'При')).toBe(
      'При 122 сделках тест пока не может обнаружить реалистичный рост.',
    )
    const counts = { treatment: { deals: 20, conversions: 2 }, control: { deals: 1, conversions: 0 } }
    expect(sentence(summarize(parts({ mde: null }), counts).ru, 'При')).toBe(
      'При 21 сделке тест пока не может обнаружить реалистичный рост.',
    )
  })

  it('tells the early-stopping boundary of an interim look', () => {
    const sequential = {
      lookNumber: 2,
      boundary: 2.9626,
      cumulativeAlpha: 0.0122,
      planAlpha: 0.05,
      nominalAlpha: 0.00305,
      crossed: false,
    }
    const { en, ru } = summarize(parts({ sequential }), practice)
    expect(sentence(en, 'This is look')).toBe(
      'This is look 2: to stop early the p-value must be below 0.0031 (the early-stopping boundary, ' +
        '|z| ≥ 2.96), not the plan’s 0.05.',
    )
    expect(sentence(ru, 'Это')).toBe(
      'Это промежуточный просмотр № 2: для досрочной остановки p-значение должно быть ниже 0,0031 ' +
        '(граница досрочной остановки, |z| ≥ 2,96), а не 0,05, как в плане.',
    )
  })

  it('takes each language’s labels for the arms, the metric and the change', () => {
    const { en, ru } = summarize(base, practice, {
      en: { treatmentLabel: 'with the chain' },
      ru: { controlLabel: 'без цепочки', metricLabel: 'доля сделок' },
    })
    expect(en).toContain(
      '62 deals with the chain, 60 without. Conversion: 27.4% with the chain, against 15% without.',
    )
    expect(en).toContain('With the chain, conversion differs by +12.4 points')
    expect(plain(ru)).toContain('62 сделки с изменением, 60 без цепочки. Доля сделок: 27,4 % с изменением')
    expect(ru).toContain('показатель «доля сделок»')
  })
})
