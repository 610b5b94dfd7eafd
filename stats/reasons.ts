/**
 * The one list of reasons why a part of a result is undefined (`null`).
 *
 * Policy (DESIGN.md, "stats/"): degenerate but possible input — no deals, no or all conversions,
 * one deal, identical values — never throws; the undefined part is `null` and carries one of these
 * codes in its `reason` field. Impossible input throws a {@link StatsInputError} instead. The primary
 * analysis also uses a code when it could not run the planned method (`exact_beyond_size`).
 */
export const reasons = {
  no_deals: 'an arm has no deals',
  too_few_values: 'an arm has fewer than two values, so its spread is unknown',
  control_has_no_conversions: 'the control arm has no conversions, so a ratio to it is undefined',
  treatment_has_no_conversions: 'the treatment arm has no conversions, so the log of the ratio is undefined',
  no_conversions: 'neither arm has a conversion, so the two arms cannot be told apart',
  all_converted: 'every deal in both arms converted, so the two arms cannot be told apart',
  zero_variance: 'every value is the same, so the test statistic is undefined',
  no_effect_given: 'no effect to detect was given, so power cannot be computed',
  effect_not_detectable: 'no effect within the possible range of rates reaches the requested power',
  no_plan_effect: 'the plan gives no expected effect',
  exact_beyond_size:
    'the arms are beyond the exact test’s size limit, so its large-sample form, the score test, answered instead',
} as const

export type Reason = keyof typeof reasons

export const reasonCodes = Object.keys(reasons) as Reason[]
