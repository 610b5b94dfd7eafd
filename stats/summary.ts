import type { ArmCounts } from './types.ts'
import type { Verdict } from './verdict.ts'

/** Words the summary uses for the arms and the metric, per language. */
export interface SummaryLabels {
  /** after a count of deals: "with the change" / "с изменением" */
  readonly treatmentLabel: string
  /** "without" / "без изменения" */
  readonly controlLabel: string
  /** the metric as a noun, capitalised at the start of a sentence: "conversion" / "конверсия" */
  readonly metricLabel: string
}

const defaults: Record<'en' | 'ru', SummaryLabels> = {
  en: {
    treatmentLabel: 'with the change',
    controlLabel: 'without',
    metricLabel: 'conversion',
  },
  ru: {
    treatmentLabel: 'с изменением',
    controlLabel: 'без него',
    metricLabel: 'конверсия',
  },
}

type Parts = Pick<Verdict, 'control' | 'treatment' | 'primary' | 'minimumDetectableEffect' | 'sequential'>

const methodNames = {
  en: { exact: 'exact test', score: 'score test' },
  ru: { exact: 'точный тест', score: 'score-тест' },
} as const

const formats = {
  en: {
    percent: new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }),
    whole: new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }),
    number: new Intl.NumberFormat('en', { maximumSignificantDigits: 2 }),
    count: new Intl.NumberFormat('en'),
    boundary: new Intl.NumberFormat('en', { maximumFractionDigits: 2 }),
    points: new Intl.NumberFormat('en', {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
      signDisplay: 'exceptZero',
    }),
  },
  ru: {
    percent: new Intl.NumberFormat('ru', { style: 'percent', maximumFractionDigits: 1 }),
    whole: new Intl.NumberFormat('ru', { style: 'percent', maximumFractionDigits: 0 }),
    number: new Intl.NumberFormat('ru', { maximumSignificantDigits: 2 }),
    count: new Intl.NumberFormat('ru'),
    boundary: new Intl.NumberFormat('ru', { maximumFractionDigits: 2 }),
    points: new Intl.NumberFormat('ru', {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
      signDisplay: 'exceptZero',
    }),
  },
}
const ruPlural = new Intl.PluralRules('ru')

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1)
}

function dealsRu(n: number): string {
  const form = ruPlural.select(n)
  return form === 'one' ? 'сделка' : form === 'few' ? 'сделки' : 'сделок'
}

function pText(p: number, language: 'en' | 'ru'): string {
  const f = formats[language].number
  return p < 0.001 ? `p < ${f.format(0.001)}` : `p = ${f.format(p)}`
}

/** "exact test, p = 0.03" — the primary analysis the headline comes from. */
function primaryText(primary: Parts['primary'], language: 'en' | 'ru'): string {
  return `${methodNames[language][primary.method]}, ${pText(primary.pValue ?? 1, language)}`
}

/** A difference of shares in signed points with one decimal: "+12.4", "−1.2". */
function pointsText(difference: number, language: 'en' | 'ru'): string {
  return formats[language].points.format(difference * 100)
}

/**
 * The primary analysis's interval of the difference, at its level: "95% interval: −1.2 to +25.9";
 * for a one-sided plan, "95% one-sided interval: at least −1.2".
 */
function intervalText(primary: Parts['primary'], language: 'en' | 'ru'): string | null {
  const interval = primary.difference.interval
  if (!interval) return null
  const [lower, upper] = interval
  const level = formats[language].whole.format(1 - primary.alpha)
  if (lower !== null && upper !== null)
    return language === 'en'
      ? `${level} interval: ${pointsText(lower, language)} to ${pointsText(upper, language)}`
      : `интервал ${level}: от ${pointsText(lower, language)} до ${pointsText(upper, language)}`
  if (lower !== null)
    return language === 'en'
      ? `${level} one-sided interval: at least ${pointsText(lower, language)}`
      : `односторонний интервал ${level}: не ниже ${pointsText(lower, language)}`
  return null
}

/**
 * A leader-readable summary of a verdict in English and Russian, numbers in each locale's format
 * (Intl.NumberFormat: "27.4%" / "27,4 %"). Labels replace the default words for the arms, the
 * metric and the change.
 * Every number about whether the change worked is the primary analysis's — the difference, its
 * interval at the plan's level, the significance and the p-value, named by its method — so the
 * summary cannot disagree with the headline, the tiles or the chart.
 * Example (en): "62 deals with the change, 60 without. Conversion: 27.4% with the change, against
 * 15% without. With the change, conversion differs by +12.4 points (95% interval: −2.2 to +26.8):
 * the difference is not yet conclusive (score test, p = 0.094). With 122 deals this test can detect
 * rises of 22 points or more, not smaller ones."
 */
export function summarize(
  verdict: Parts,
  counts: ArmCounts,
  labels: { readonly en?: Partial<SummaryLabels>; readonly ru?: Partial<SummaryLabels> } = {},
): { en: string; ru: string } {
  return {
    en: summaryIn('en', verdict, counts, { ...defaults.en, ...labels.en }),
    ru: summaryIn('ru', verdict, counts, { ...defaults.ru, ...labels.ru }),
  }
}

function summaryIn(language: 'en' | 'ru', v: Parts, counts: ArmCounts, l: SummaryLabels): string {
  const f = formats[language]
  const en = language === 'en'
  const nt = counts.treatment.deals
  const nc = counts.control.deals
  const sentences: string[] = []
  sentences.push(
    en
      ? `${f.count.format(nt)} deal${nt === 1 ? '' : 's'} ${l.treatmentLabel}, ${f.count.format(nc)} ${l.controlLabel}.`
      : `${f.count.format(nt)} ${dealsRu(nt)} ${l.treatmentLabel}, ${f.count.format(nc)} ${l.controlLabel}.`,
  )
  if (v.treatment.rate === null || v.control.rate === null) {
    sentences.push(
      en
        ? 'An arm has no deals yet, so there is nothing to compare.'
        : 'В одной из групп ещё нет сделок, сравнивать пока нечего.',
    )
    return sentences.join(' ')
  }
  sentences.push(
    en
      ? `${capitalise(l.metricLabel)}: ${f.percent.format(v.treatment.rate)} ${l.treatmentLabel}, against ${f.percent.format(v.control.rate)} ${l.controlLabel}.`
      : `${capitalise(l.metricLabel)}: ${f.percent.format(v.treatment.rate)} ${l.treatmentLabel} против ${f.percent.format(v.control.rate)} ${l.controlLabel}.`,
  )
  const tested = primaryText(v.primary, language)
  const verdictText = v.primary.significant
    ? en
      ? `the difference is statistically significant (${tested})`
      : `разница статистически значима (${tested})`
    : en
      ? `the difference is not yet conclusive (${tested})`
      : `разница пока не доказана (${tested})`
  const estimate = v.primary.difference.estimate
  const interval = intervalText(v.primary, language)
  const by =
    estimate === null
      ? ''
      : `${pointsText(estimate, language)} ${en ? `point${Math.abs(estimate * 100) === 1 ? '' : 's'}` : 'п. п.'}${interval ? ` (${interval})` : ''}`
  sentences.push(
    en
      ? `${capitalise(l.treatmentLabel)}, ${l.metricLabel} differs by ${by}: ${verdictText}.`
      : `${capitalise(l.treatmentLabel)} показатель «${l.metricLabel}» отличается на ${by}: ${verdictText}.`,
  )
  if (v.sequential !== null) {
    const s = v.sequential
    const nominal = formats[language].number.format(s.nominalAlpha)
    const planned = formats[language].number.format(s.planAlpha)
    const z = f.boundary.format(s.boundary)
    sentences.push(
      en
        ? `This is look ${s.lookNumber}: to stop early the p-value must be below ${nominal} ` +
            `(the early-stopping boundary, |z| ≥ ${z}), not the plan’s ${planned}.`
        : `Это промежуточный просмотр № ${s.lookNumber}: для досрочной остановки p-значение должно быть ` +
            `ниже ${nominal} (граница досрочной остановки, |z| ≥ ${z}), а не ${planned}, как в плане.`,
    )
  }
  const total = nt + nc
  // "При 21 сделке", "при 22 сделках": the prepositional case of the count
  const atDealsRu = `При ${f.count.format(total)} ${dealsRu(total) === 'сделка' ? 'сделке' : 'сделках'}`
  const mde = v.minimumDetectableEffect.effect
  if (mde === null) {
    sentences.push(
      en
        ? `With ${f.count.format(total)} deals this test cannot yet detect a realistic rise.`
        : `${atDealsRu} тест пока не может обнаружить реалистичный рост.`,
    )
  } else {
    const points = Math.max(1, Math.round(mde * 100))
    sentences.push(
      en
        ? `With ${f.count.format(total)} deals this test can detect rises of ${points} ` +
            `point${points === 1 ? '' : 's'} or more, not smaller ones.`
        : `${atDealsRu} тест может обнаружить рост на ${points} п. п. и больше, но не меньше.`,
    )
  }
  return sentences.join(' ')
}
