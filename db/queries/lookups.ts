import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../tables/index.ts'

type Db = Kysely<DB> | Transaction<DB>

/** What the statistics need of a hypothesis: the rate it starts from and the rise it expects. */
export function findHypothesisBasis(db: Db, hypothesisId: number) {
  return db
    .selectFrom('hypotheses')
    .select(['baseline_rate', 'expected_lift'])
    .where('id', '=', hypothesisId)
    .executeTakeFirstOrThrow()
}

/** The workspace's time zone: a date without a time is a whole day there. */
export async function findTimeZone(db: Db, workspaceId: number) {
  const w = await db
    .selectFrom('workspaces')
    .select('time_zone')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow()
  return w.time_zone
}
