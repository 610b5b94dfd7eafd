import { sql, type SelectQueryBuilder } from 'kysely'
import type { DB, HypothesesTable } from '../tables/index.ts'

/**
 * Orders the backlog (`hypotheses as h`) by ICE score, impact × confidence × ease, highest first
 * and unscored last, then by id; for `.$call`.
 */
export function orderByIceScore<O>(query: SelectQueryBuilder<DB & { h: HypothesesTable }, 'h', O>) {
  return query
    .orderBy(sql`h.ice_impact * h.ice_confidence * h.ice_ease`, (ob) => ob.desc().nullsLast())
    .orderBy('h.id')
}
