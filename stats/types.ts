import type { Reason } from './reasons.ts'

/** A closed interval `[lower, upper]`; an unbounded side is ±Infinity (serialises to null in JSON). */
export type Interval = readonly [number, number]

/** What SQL returns for one arm of a conversion test. */
export interface Arm {
  readonly deals: number
  readonly conversions: number
}

/** Both arms of a test. */
export interface ArmCounts {
  readonly control: Arm
  readonly treatment: Arm
}

export type Alternative = 'two-sided' | 'greater' | 'less'

/** An estimate with its interval; both `null` (with the reason) when undefined. */
export interface Estimate {
  readonly estimate: number | null
  readonly interval: Interval | null
  readonly reason: Reason | null
}

export const alternatives: readonly Alternative[] = ['two-sided', 'greater', 'less']
