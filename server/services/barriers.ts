import type { Kysely, Transaction } from 'kysely'
import type { z } from '@hono/zod-openapi'
import type { BarrierStatus, DB } from '../../db/tables/index.ts'
import { pageById, toPage, type Paging } from '../../db/queries/paging.ts'
import type { Scope } from '../context.ts'
import { pipelineRule } from '../errors.ts'
import {
  toBarrier,
  toBarrierRow,
  toRecommendation,
  type BarrierLinksT,
  type CreateBarrier,
  type CreateRecommendation,
  type UpdateBarrier,
  type UpdateRecommendation,
} from '../schemas/barrier.ts'
import {
  childIds,
  columns,
  deleteAudited,
  getOwned,
  insertAudited,
  requireReference,
  updateAudited,
} from './records.ts'

type Db = Kysely<DB> | Transaction<DB>

const barrierColumns = {
  title: 'title',
  description: 'description',
  kind: 'kind',
  evidenceSource: 'evidence_source',
  evidenceQuotes: 'evidence_quotes',
  shareAffected: 'share_affected',
  severity: 'severity',
  status: 'status',
}

/** Each barrier's chain downstream: its recommendations, their hypotheses, their tests and decisions. */
export async function barrierLinks(db: Db, barrierIds: number[]): Promise<Map<number, BarrierLinksT>> {
  const links = new Map<number, BarrierLinksT>(
    barrierIds.map((id) => [id, { recommendations: [], hypotheses: [], tests: [], decisions: [] }]),
  )
  if (barrierIds.length === 0) return links
  const rows = await db
    .selectFrom('recommendations as r')
    .leftJoin('hypotheses as h', 'h.recommendation_id', 'r.id')
    .leftJoin('tests as t', 't.hypothesis_id', 'h.id')
    .leftJoin('decisions as d', 'd.test_id', 't.id')
    .select([
      'r.barrier_id',
      'r.id as recommendation',
      'h.id as hypothesis',
      't.id as test',
      'd.id as decision',
    ])
    .where('r.barrier_id', 'in', barrierIds)
    .orderBy('r.id')
    .orderBy('h.id')
    .orderBy('t.id')
    .orderBy('d.id')
    .execute()
  const add = (list: number[], id: number | null) => {
    if (id !== null && !list.includes(id)) list.push(id)
  }
  for (const r of rows) {
    const l = links.get(r.barrier_id!)!
    add(l.recommendations, r.recommendation)
    add(l.hypotheses, r.hypothesis)
    add(l.tests, r.test)
    add(l.decisions, r.decision)
  }
  return links
}

export async function listBarriers(
  db: Kysely<DB>,
  scope: Scope,
  filter: Paging & {
    stage?: number | undefined
    status?: BarrierStatus | undefined
    journey?: number | undefined
  },
) {
  const rows = await pageById(
    db
      .selectFrom('barriers')
      .selectAll('barriers')
      .where('barriers.workspace_id', '=', scope.workspaceId)
      .$if(filter.stage !== undefined, (q) => q.where('barriers.stage_id', '=', filter.stage!))
      .$if(filter.status !== undefined, (q) => q.where('barriers.status', '=', filter.status!))
      .$if(filter.journey !== undefined, (q) =>
        q.where(
          'barriers.stage_id',
          'in',
          db.selectFrom('stages').select('id').where('journey_id', '=', filter.journey!),
        ),
      ),
    'barriers.id',
    filter,
  ).execute()
  const links = await barrierLinks(
    db,
    rows.map((r) => r.id),
  )
  return toPage(
    rows.map((r) => toBarrier(r, links.get(r.id)!)),
    filter,
  )
}
export async function getBarrier(db: Kysely<DB>, scope: Scope, id: number) {
  const row = await getOwned(db, 'barriers', scope.workspaceId, id)
  return toBarrier(row, (await barrierLinks(db, [id])).get(id)!)
}
export async function createBarrier(db: Kysely<DB>, scope: Scope, input: z.infer<typeof CreateBarrier>) {
  const row = await db.transaction().execute(async (trx) => {
    await requireReference(trx, 'stages', scope.workspaceId, input.stageId, 'body.stageId')
    return insertAudited(trx, scope, 'barriers', { ...toBarrierRow(input), created_by: scope.actor.userId })
  })
  return toBarrier(row, { recommendations: [], hypotheses: [], tests: [], decisions: [] })
}
export async function updateBarrier(
  db: Kysely<DB>,
  scope: Scope,
  id: number,
  input: z.infer<typeof UpdateBarrier>,
) {
  await db
    .transaction()
    .execute((trx) => updateAudited(trx, scope, 'barriers', id, columns(input, barrierColumns)))
  return getBarrier(db, scope, id)
}
export async function deleteBarrier(db: Kysely<DB>, scope: Scope, id: number) {
  await db.transaction().execute((trx) => deleteAudited(trx, scope, 'barriers', id))
}

export async function listRecommendations(
  db: Kysely<DB>,
  scope: Scope,
  filter: Paging & { stage?: number | undefined; barrier?: number | undefined },
) {
  const rows = await pageById(
    db
      .selectFrom('recommendations')
      .selectAll()
      .where('workspace_id', '=', scope.workspaceId)
      .$if(filter.stage !== undefined, (q) => q.where('stage_id', '=', filter.stage!))
      .$if(filter.barrier !== undefined, (q) => q.where('barrier_id', '=', filter.barrier!)),
    'id',
    filter,
  ).execute()
  const hypotheses = await childIds(
    db,
    'hypotheses',
    'recommendation_id',
    rows.map((r) => r.id),
  )
  return toPage(
    rows.map((r) => toRecommendation(r, hypotheses.get(r.id) ?? [])),
    filter,
  )
}
export async function getRecommendation(db: Kysely<DB>, scope: Scope, id: number) {
  const row = await getOwned(db, 'recommendations', scope.workspaceId, id)
  return toRecommendation(row, (await childIds(db, 'hypotheses', 'recommendation_id', [id])).get(id) ?? [])
}

/** A recommendation's barrier must sit on the same stage: it says what to change there. */
async function checkBarrierStage(trx: Db, scope: Scope, barrierId: number | null, stageId: number) {
  if (barrierId === null) return
  const barrier = await requireReference(trx, 'barriers', scope.workspaceId, barrierId, 'body.barrierId')
  if (barrier.stage_id !== stageId) {
    throw pipelineRule('The barrier belongs to another stage', [
      { path: 'body.barrierId', message: 'must be a barrier of the same stage' },
    ])
  }
}

export async function createRecommendation(
  db: Kysely<DB>,
  scope: Scope,
  input: z.infer<typeof CreateRecommendation>,
) {
  const row = await db.transaction().execute(async (trx) => {
    await requireReference(trx, 'stages', scope.workspaceId, input.stageId, 'body.stageId')
    await checkBarrierStage(trx, scope, input.barrierId, input.stageId)
    return insertAudited(trx, scope, 'recommendations', {
      stage_id: input.stageId,
      barrier_id: input.barrierId,
      text: input.text,
      channel: input.channel,
      created_by: scope.actor.userId,
    })
  })
  return toRecommendation(row, [])
}
export async function updateRecommendation(
  db: Kysely<DB>,
  scope: Scope,
  id: number,
  input: z.infer<typeof UpdateRecommendation>,
) {
  await db.transaction().execute(async (trx) => {
    const current = await getOwned(trx, 'recommendations', scope.workspaceId, id, true)
    if (input.barrierId !== undefined) await checkBarrierStage(trx, scope, input.barrierId, current.stage_id)
    return updateAudited(
      trx,
      scope,
      'recommendations',
      id,
      columns(input, { barrierId: 'barrier_id', text: 'text', channel: 'channel' }),
    )
  })
  return getRecommendation(db, scope, id)
}
export async function deleteRecommendation(db: Kysely<DB>, scope: Scope, id: number) {
  await db.transaction().execute((trx) => deleteAudited(trx, scope, 'recommendations', id))
}
