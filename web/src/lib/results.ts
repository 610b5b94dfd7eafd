// Reading a test's results for people: the tone of the server's headline, the parts worth drawing,
// and the methods shown beside the primary analysis.
import type { CloseOutOutcome, MethodCheck, StatsVerdict, TestResults } from './api/types.ts'

export type Lang = 'en' | 'ru'

/** The plain-language summary in the interface language (the server may send one or both). */
export function summaryText(
  summary: StatsVerdict['summary'] | string | null | undefined,
  lang: Lang,
): string {
  if (!summary) return ''
  return typeof summary === 'string' ? summary : (summary[lang] ?? summary.en)
}

/** The one-line reading the server gives from the plan's primary analysis (never Bayes). */
export type Headline = TestResults['headline']

/**
 * The headline's tone: a significant rise reads good and a fall bad, a test still collecting
 * draws the eye, and the rest (no data, no effect, not proven) stay neutral.
 */
export const HEADLINE_TONE: Record<Headline, 'good' | 'bad' | 'neutral' | 'accent'> = {
  no_data: 'neutral',
  collecting: 'accent',
  significant_rise: 'good',
  significant_fall: 'bad',
  no_effect: 'neutral',
  not_proven: 'neutral',
}

/** The badge of a close-out's outcome. */
export const OUTCOME_BADGE: Record<CloseOutOutcome, string> = {
  supported: 'badge-green',
  refuted: 'badge-red',
  inconclusive: 'badge-amber',
}

/** The lower and upper ends of an interval, or null when the interval or either end is missing. */
export function ends(
  interval: readonly [number | null, number | null] | null | undefined,
): [number, number] | null {
  if (!interval || interval[0] === null || interval[1] === null) return null
  return [interval[0], interval[1]]
}

/**
 * The part of a cumulative series worth drawing: from the first day both groups have
 * `minPerArm` deals. Before that a single deal swings a rate from 0 to 100 % and flattens the
 * scale for the rest; the numbers of those days are still in the tables and the audit trail.
 */
export function settledSeries<T extends { control: { deals: number }; treatment: { deals: number } }>(
  series: readonly T[],
  minPerArm = 5,
): T[] {
  const first = series.findIndex((p) => p.control.deals >= minPerArm && p.treatment.deals >= minPerArm)
  return first < 0 ? [] : series.slice(first)
}

/**
 * The methods shown apart from the primary analysis, each with the code of why it may differ: the
 * server's checks; from the verdict's own fields, with a general reason, when a reply carries none.
 */
export function otherMethods(verdict: StatsVerdict): MethodCheck[] {
  if (verdict.checks) return verdict.checks
  const general = 'other_method' as MethodCheck['whyDifferent']
  const test = (method: MethodCheck['method'], pValue: number | null): MethodCheck => ({
    method,
    pValue,
    measure: null,
    estimate: null,
    interval: null,
    whyDifferent: general,
  })
  return [
    {
      method: 'fisher',
      pValue: verdict.fisher.pValue,
      measure: 'oddsRatio',
      estimate: verdict.fisher.oddsRatio,
      interval: verdict.fisher.oddsRatioInterval,
      whyDifferent: general,
    },
    test('chiSquare', verdict.chiSquare.pValue),
    test('chiSquareYates', verdict.chiSquareYates.pValue),
    test('zTest', verdict.zTest.pValue),
    {
      method: 'bayes',
      pValue: null,
      measure: 'probabilityTreatmentBetter',
      estimate: verdict.bayes.probabilityTreatmentBetter,
      interval: null,
      whyDifferent: general,
    },
  ]
}
