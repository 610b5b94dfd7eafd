import type { BetaBinomialResult } from './bayes.ts'
import type { ChiSquareResult } from './chi-square.ts'
import type { FisherResult } from './fisher.ts'
import type { OpenInterval, PrimaryMethod } from './primary.ts'
import type { Sidedness } from './score-test.ts'
import type { Estimate, Interval } from './types.ts'
import type { ZTestResult } from './z-test.ts'

/** The methods shown beside the primary analysis, never as "the result" (DESIGN.md). */
export type CheckMethod = 'fisher' | 'chiSquare' | 'chiSquareYates' | 'zTest' | 'newcombe' | 'katz' | 'bayes'

/**
 * Why a check may answer differently from the primary analysis: a code the web translates. The
 * sentences below are the reference wording in English and Russian.
 */
export const whyDifferent = {
  same_test: {
    en: 'This is the same test as the primary analysis, so its p-value is the same.',
    ru: 'Это тот же тест, что и основной анализ, поэтому p-значение совпадает.',
  },
  same_test_two_sided: {
    en: 'This is the primary score test in its two-sided form: with a one-sided plan its p-value is twice the primary one.',
    ru: 'Это основной score-тест в двусторонней форме: при одностороннем плане его p-значение вдвое больше основного.',
  },
  large_sample_approximation: {
    en: 'It uses a large-sample normal approximation where the primary analysis sums the exact probabilities, so with few deals or conversions it can be off.',
    ru: 'Здесь используется нормальное приближение для больших выборок, а основной анализ суммирует точные вероятности, поэтому при малом числе сделок или конверсий результат может расходиться.',
  },
  conditions_on_conversions: {
    en: 'Fisher’s test treats the total number of conversions as fixed, which makes it more cautious than the primary analysis: its p-value is usually larger.',
    ru: 'Тест Фишера считает общее число конверсий заданным, поэтому он осторожнее основного анализа: его p-значение обычно больше.',
  },
  continuity_correction: {
    en: 'Yates’ correction deliberately makes the chi-square more cautious, so its p-value is larger.',
    ru: 'Поправка Йейтса намеренно делает хи-квадрат осторожнее, поэтому его p-значение больше.',
  },
  combines_arm_intervals: {
    en: 'This interval combines the two arms’ own intervals instead of inverting the primary test, so at the edge it can exclude no change while the test is not significant, or the other way round.',
    ru: 'Этот интервал собран из интервалов двух групп, а не получен обращением основного теста, поэтому на границе он может исключать «нет изменения», когда тест не значим, или наоборот.',
  },
  log_scale_approximation: {
    en: 'This interval uses a normal approximation on the log of the ratio, not the primary test; it is undefined when an arm has no conversions.',
    ru: 'Этот интервал использует нормальное приближение для логарифма отношения, а не основной тест; он не определён, если в группе нет конверсий.',
  },
  probability_not_p_value: {
    en: 'This is the probability that the change is better given the data and flat priors, not a test: it answers a different question.',
    ru: 'Это вероятность того, что изменение лучше, при равномерных априорных распределениях, а не тест: он отвечает на другой вопрос.',
  },
} as const

export type WhyDifferent = keyof typeof whyDifferent

export interface Check {
  readonly method: CheckMethod
  readonly pValue: number | null
  /** what `estimate` and `interval` measure */
  readonly measure: 'oddsRatio' | 'difference' | 'relativeLift' | 'probabilityTreatmentBetter' | null
  readonly estimate: number | null
  readonly interval: OpenInterval | null
  readonly whyDifferent: WhyDifferent
}

function open(interval: Interval | null): OpenInterval | null {
  if (interval === null) return null
  return [
    Number.isFinite(interval[0]) ? interval[0] : null,
    Number.isFinite(interval[1]) ? interval[1] : null,
  ]
}

/**
 * The checks beside a primary analysis, each with the code of the reason it may differ.
 * With the score primary the chi-square (two-sided) and the z-test are the primary test itself (same
 * pooled z); with the exact primary they are its large-sample approximation.
 * Example: treatment 17/62, control 9/60, exact primary → fisher 'conditions_on_conversions',
 * chiSquare 'large_sample_approximation', …, bayes 'probability_not_p_value'.
 */
export function checksOf(
  parts: {
    readonly fisher: FisherResult
    readonly chiSquare: ChiSquareResult
    readonly chiSquareYates: ChiSquareResult
    readonly zTest: ZTestResult
    readonly newcombe: Estimate
    readonly katz: Estimate
    readonly bayes: BetaBinomialResult
  },
  method: PrimaryMethod,
  alternative: Sidedness,
): Check[] {
  const score = method === 'score'
  return [
    {
      method: 'fisher',
      pValue: parts.fisher.pValue,
      measure: 'oddsRatio',
      estimate: parts.fisher.oddsRatio,
      interval: open(parts.fisher.oddsRatioInterval),
      whyDifferent: 'conditions_on_conversions',
    },
    {
      method: 'chiSquare',
      pValue: parts.chiSquare.pValue,
      measure: null,
      estimate: null,
      interval: null,
      whyDifferent: !score
        ? 'large_sample_approximation'
        : alternative === 'greater'
          ? 'same_test_two_sided'
          : 'same_test',
    },
    {
      method: 'chiSquareYates',
      pValue: parts.chiSquareYates.pValue,
      measure: null,
      estimate: null,
      interval: null,
      whyDifferent: 'continuity_correction',
    },
    {
      method: 'zTest',
      pValue: parts.zTest.pValue,
      measure: null,
      estimate: null,
      interval: null,
      whyDifferent: score ? 'same_test' : 'large_sample_approximation',
    },
    {
      method: 'newcombe',
      pValue: null,
      measure: 'difference',
      estimate: parts.newcombe.estimate,
      interval: open(parts.newcombe.interval),
      whyDifferent: 'combines_arm_intervals',
    },
    {
      method: 'katz',
      pValue: null,
      measure: 'relativeLift',
      estimate: parts.katz.estimate,
      interval: open(parts.katz.interval),
      whyDifferent: 'log_scale_approximation',
    },
    {
      method: 'bayes',
      pValue: null,
      measure: 'probabilityTreatmentBetter',
      estimate: parts.bayes.probabilityTreatmentBetter,
      interval: null,
      whyDifferent: 'probability_not_p_value',
    },
  ]
}
