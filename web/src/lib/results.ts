// Reading a test's results for people: which headline to give, in which tone, from the verdict.
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

export type Headline = 'noData' | 'collecting' | 'helps' | 'harms' | 'noDifference' | 'leaning'

/**
 * The one-line reading above the numbers. A significant result says which way; otherwise the
 * Bayesian probability says whether the data lean (≥ 90 % either way) or not, and an unfinished
 * test says it is still collecting.
 */
export function headlineOf(
  results: Pick<TestResults, 'verdict' | 'progress' | 'provisional'> & {
    test: Pick<TestResults['test'], 'status'>
  },
): Headline {
  const { verdict } = results
  if (verdict.control.rate === null || verdict.treatment.rate === null) return 'noData'
  const difference = verdict.difference.estimate ?? 0
  if (verdict.significant) return difference >= 0 ? 'helps' : 'harms'
  const unfinished = results.test.status === 'running' || results.test.status === 'paused'
  if (results.provisional || (unfinished && !results.progress.targetReached)) return 'collecting'
  const p = verdict.bayes.probabilityTreatmentBetter
  if (p !== null && (p >= 0.9 || p <= 0.1)) return 'leaning'
  return 'noDifference'
}

export const HEADLINE_TONE: Record<Headline, 'good' | 'bad' | 'neutral' | 'accent'> = {
  noData: 'neutral',
  collecting: 'accent',
  helps: 'good',
  harms: 'bad',
  noDifference: 'neutral',
  leaning: 'accent',
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
