import type { Kysely, Transaction } from 'kysely'
import { findHypothesisBasis } from '../../db/queries/lookups.ts'
import { readArmTotals } from '../../db/queries/totals.ts'
import type { CloseOutOutcome, DB, TestRow } from '../../db/tables/index.ts'
import type { Scope } from '../context.ts'
import { analysisPlan, verdictFor, type HypothesisBasis } from './analysis.ts'
import { lockTest, transition } from './test-lifecycle.ts'

/** Why the close-out suggests what it does, as a code the interface words. */
export type SuggestionReason =
  'significant_rise' | 'significant_fall' | 'powered_no_effect' | 'underpowered' | 'no_data'

export interface CloseOutSuggestion {
  outcome: CloseOutOutcome
  reason: SuggestionReason
}

/**
 * What the final analysis suggests the close-out says. A significant rise of treatment over control
 * supports the hypothesis; a significant fall refutes it; no significant difference refutes it only
 * when the sample had at least the planned power to see the expected rise (an effect that size
 * would most likely have shown), and otherwise leaves it inconclusive — an unproven result is not
 * a negative one.
 */
export function suggestCloseOut(
  verdict: ReturnType<typeof verdictFor>['verdict'],
  plannedPower: number,
): CloseOutSuggestion {
  const estimate = verdict.difference.estimate
  if (estimate === null || verdict.pValue === null) return { outcome: 'inconclusive', reason: 'no_data' }
  if (verdict.significant) {
    return estimate > 0
      ? { outcome: 'supported', reason: 'significant_rise' }
      : { outcome: 'refuted', reason: 'significant_fall' }
  }
  const achieved = verdict.power.achieved
  if (achieved !== null && achieved >= plannedPower)
    return { outcome: 'refuted', reason: 'powered_no_effect' }
  return { outcome: 'inconclusive', reason: 'underpowered' }
}

/**
 * The one-line reading of a test's result, from the primary analysis only, so that it can never
 * disagree with the p-value, the intervals or the close-out suggestion: 'no_data' until both arms
 * have deals; 'significant_rise' / 'significant_fall' when the primary analysis is significant;
 * 'collecting' while the test is not final; then, with no significant difference, 'no_effect'
 * when the sample had the planned power to see the expected rise and 'not_proven' when it had not.
 */
export type Headline =
  'no_data' | 'collecting' | 'significant_rise' | 'significant_fall' | 'no_effect' | 'not_proven'

export function headlineOf(
  verdict: ReturnType<typeof verdictFor>['verdict'],
  final: boolean,
  plannedPower: number,
): Headline {
  const suggestion = suggestCloseOut(verdict, plannedPower)
  if (suggestion.reason === 'no_data') return 'no_data'
  if (suggestion.reason === 'significant_rise' || suggestion.reason === 'significant_fall')
    return suggestion.reason
  if (!final) return 'collecting'
  return suggestion.reason === 'powered_no_effect' ? 'no_effect' : 'not_proven'
}

/** The suggestion for a started test from its kept totals, read as its final analysis. */
export async function closeOutSuggestion(
  db: Kysely<DB> | Transaction<DB>,
  test: TestRow,
  hypothesis: HypothesisBasis,
) {
  const plan = analysisPlan(test.frozen_plan!, hypothesis)
  const { verdict } = verdictFor(plan, await readArmTotals(db, test.id), true)
  return suggestCloseOut(verdict, plan.power)
}

/**
 * The analyst's close-out of a completed test: whether the hypothesis held (supported, refuted or
 * inconclusive) and what was learned, kept with what the analysis suggested. The hypothesis's
 * status follows it; leadership decides after it. Closing out again before the decision replaces
 * it, on the record.
 */
export async function closeOutTest(
  db: Kysely<DB>,
  scope: Scope,
  testId: number,
  input: { outcome: CloseOutOutcome; learnings: string },
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    const test = await lockTest(trx, scope, testId)
    const suggested = test.frozen_plan
      ? (await closeOutSuggestion(trx, test, await findHypothesisBasis(trx, test.hypothesis_id))).outcome
      : 'inconclusive'
    return transition(
      trx,
      scope,
      test,
      { type: 'close_out', outcome: input.outcome, suggested, learnings: input.learnings },
      now,
    )
  })
}
