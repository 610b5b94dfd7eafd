import { sql, type Transaction } from 'kysely'
import type { DB } from '../tables/index.ts'

/**
 * Defers the unique (journey_id, position) check of stages to the commit, for the rest of the
 * transaction: stage positions are kept dense (0..n-1), so inserting, moving or removing a stage
 * shifts its neighbours, and two of them share a position until the shift is done.
 */
export async function deferStagePositions(trx: Transaction<DB>) {
  await sql`set constraints stages_journey_position_key deferred`.execute(trx)
}
