import fc from 'fast-check'
import type { ArmCounts } from '../../../stats/types.ts'

/** Two arms of up to `maxDeals` deals each, any conversions. */
export function arbitraryCounts(maxDeals: number, minDeals = 0): fc.Arbitrary<ArmCounts> {
  const arm = fc
    .integer({ min: minDeals, max: maxDeals })
    .chain((deals) =>
      fc.record({ deals: fc.constant(deals), conversions: fc.integer({ min: 0, max: deals }) }),
    )
  return fc.record({ control: arm, treatment: arm })
}

/** The same test with the arms' roles exchanged. */
export function mirror(counts: ArmCounts): ArmCounts {
  return { control: counts.treatment, treatment: counts.control }
}
