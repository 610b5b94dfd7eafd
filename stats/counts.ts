import { assertArm, StatsInputError } from './errors.ts'
import type { Reason } from './reasons.ts'
import type { ArmCounts } from './types.ts'

/** Refuses anything but two arms of valid counts. */
export function assertCounts(counts: ArmCounts): void {
  if (counts === null || typeof counts !== 'object') throw new StatsInputError('counts', 'must be an object')
  assertArm('control', counts.control)
  assertArm('treatment', counts.treatment)
}

/**
 * Why a 2×2 table says nothing about a difference, or null when it can: an arm without deals,
 * no conversion at all, or every deal converted.
 */
export function degenerateTableReason({ control, treatment }: ArmCounts): Reason | null {
  if (control.deals === 0 || treatment.deals === 0) return 'no_deals'
  if (control.conversions + treatment.conversions === 0) return 'no_conversions'
  if (control.conversions === control.deals && treatment.conversions === treatment.deals)
    return 'all_converted'
  return null
}
