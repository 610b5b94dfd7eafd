import type { Kysely } from 'kysely'
import type { z } from '@hono/zod-openapi'
import type { DB } from '../../db/tables/index.ts'
import { deferStagePositions } from '../../db/queries/journeys.ts'
import { pageById, toPage, type Paging } from '../../db/queries/paging.ts'
import type { Scope } from '../context.ts'
import { ApiError } from '../errors.ts'
import { toBarrier, toRecommendation } from '../schemas/barrier.ts'
import {
  toJourney,
  toSegment,
  toSegmentRow,
  toStage,
  toStageRow,
  toTouchpoint,
  type CreateJourney,
  type CreateSegment,
  type CreateStage,
  type CreateTouchpoint,
  type UpdateJourney,
  type UpdateSegment,
  type UpdateStage,
  type UpdateTouchpoint,
} from '../schemas/journey.ts'
import { barrierLinks } from './barriers.ts'
import {
  childIds,
  columns,
  deleteAudited,
  getOwned,
  insertAudited,
  requireReference,
  updateAudited,
} from './records.ts'

const segmentColumns = {
  name: 'name',
  description: 'description',
  portrait: 'portrait',
  yearlyDeals: 'yearly_deals',
  valuePerConversion: 'value_per_conversion',
  dealsPerWeek: 'deals_per_week',
}
const stageColumns = {
  name: 'name',
  position: 'position',
  customerGoals: 'customer_goals',
  customerThoughts: 'customer_thoughts',
  customerActions: 'customer_actions',
  brandGoals: 'brand_goals',
  externalExperience: 'external_experience',
}

export async function listSegments(db: Kysely<DB>, scope: Scope, paging: Paging) {
  const rows = await pageById(
    db.selectFrom('segments').selectAll().where('workspace_id', '=', scope.workspaceId),
    'id',
    paging,
  ).execute()
  return toPage(rows.map(toSegment), paging)
}
export async function getSegment(db: Kysely<DB>, scope: Scope, id: number) {
  return toSegment(await getOwned(db, 'segments', scope.workspaceId, id))
}
export async function createSegment(db: Kysely<DB>, scope: Scope, input: z.infer<typeof CreateSegment>) {
  return db
    .transaction()
    .execute(async (trx) => toSegment(await insertAudited(trx, scope, 'segments', toSegmentRow(input))))
}
export async function updateSegment(
  db: Kysely<DB>,
  scope: Scope,
  id: number,
  input: z.infer<typeof UpdateSegment>,
) {
  return db
    .transaction()
    .execute(async (trx) =>
      toSegment(await updateAudited(trx, scope, 'segments', id, columns(input, segmentColumns))),
    )
}
export async function deleteSegment(db: Kysely<DB>, scope: Scope, id: number) {
  await db.transaction().execute((trx) => deleteAudited(trx, scope, 'segments', id))
}

export async function listJourneys(
  db: Kysely<DB>,
  scope: Scope,
  filter: Paging & { segment?: number | undefined },
) {
  const rows = await pageById(
    db
      .selectFrom('journeys')
      .selectAll()
      .where('workspace_id', '=', scope.workspaceId)
      .$if(filter.segment !== undefined, (q) => q.where('segment_id', '=', filter.segment!)),
    'id',
    filter,
  ).execute()
  return toPage(rows.map(toJourney), filter)
}

/** The journey map: stages in order, each with its touchpoints, barriers and recommendations. */
export async function getJourneyMap(db: Kysely<DB>, scope: Scope, id: number) {
  const journey = await getOwned(db, 'journeys', scope.workspaceId, id)
  const stages = await db
    .selectFrom('stages')
    .selectAll()
    .where('journey_id', '=', id)
    .orderBy('position')
    .execute()
  const stageIds = stages.map((s) => s.id)
  const none = stageIds.length === 0
  const [touchpoints, barriers, recommendations] = await Promise.all([
    none
      ? []
      : db.selectFrom('touchpoints').selectAll().where('stage_id', 'in', stageIds).orderBy('id').execute(),
    none
      ? []
      : db.selectFrom('barriers').selectAll().where('stage_id', 'in', stageIds).orderBy('id').execute(),
    none
      ? []
      : db
          .selectFrom('recommendations')
          .selectAll()
          .where('stage_id', 'in', stageIds)
          .orderBy('id')
          .execute(),
  ])
  const [links, hypothesesByRecommendation] = await Promise.all([
    barrierLinks(
      db,
      barriers.map((b) => b.id),
    ),
    childIds(
      db,
      'hypotheses',
      'recommendation_id',
      recommendations.map((r) => r.id),
    ),
  ])
  return {
    ...toJourney(journey),
    stages: stages.map((s) => ({
      ...toStage(s),
      touchpoints: touchpoints.filter((t) => t.stage_id === s.id).map(toTouchpoint),
      barriers: barriers.filter((b) => b.stage_id === s.id).map((b) => toBarrier(b, links.get(b.id)!)),
      recommendations: recommendations
        .filter((r) => r.stage_id === s.id)
        .map((r) => toRecommendation(r, hypothesesByRecommendation.get(r.id) ?? [])),
    })),
  }
}
export async function createJourney(db: Kysely<DB>, scope: Scope, input: z.infer<typeof CreateJourney>) {
  return db.transaction().execute(async (trx) => {
    await requireReference(trx, 'segments', scope.workspaceId, input.segmentId, 'body.segmentId')
    return toJourney(
      await insertAudited(trx, scope, 'journeys', {
        segment_id: input.segmentId,
        name: input.name,
        description: input.description,
      }),
    )
  })
}
export async function updateJourney(
  db: Kysely<DB>,
  scope: Scope,
  id: number,
  input: z.infer<typeof UpdateJourney>,
) {
  return db
    .transaction()
    .execute(async (trx) =>
      toJourney(
        await updateAudited(
          trx,
          scope,
          'journeys',
          id,
          columns(input, { name: 'name', description: 'description' }),
        ),
      ),
    )
}
export async function deleteJourney(db: Kysely<DB>, scope: Scope, id: number) {
  await db.transaction().execute((trx) => deleteAudited(trx, scope, 'journeys', id))
}

// Positions are kept dense (0..n-1): inserting or moving a stage shifts its neighbours in the same
// transaction; the unique (journey_id, position) constraint is deferred to the commit for that.
async function countStages(trx: Kysely<DB>, journeyId: number) {
  const { n } = await trx
    .selectFrom('stages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('journey_id', '=', journeyId)
    .executeTakeFirstOrThrow()
  return Number(n)
}

export async function createStage(db: Kysely<DB>, scope: Scope, input: z.infer<typeof CreateStage>) {
  return db.transaction().execute(async (trx) => {
    await requireReference(trx, 'journeys', scope.workspaceId, input.journeyId, 'body.journeyId')
    await deferStagePositions(trx)
    const count = await countStages(trx, input.journeyId)
    const position = Math.min(input.position ?? count, count)
    await trx
      .updateTable('stages')
      .set((eb) => ({ position: eb('position', '+', 1) }))
      .where('journey_id', '=', input.journeyId)
      .where('position', '>=', position)
      .execute()
    return toStage(await insertAudited(trx, scope, 'stages', toStageRow(input, position)))
  })
}
export async function updateStage(
  db: Kysely<DB>,
  scope: Scope,
  id: number,
  input: z.infer<typeof UpdateStage>,
) {
  return db.transaction().execute(async (trx) => {
    const stage = await getOwned(trx, 'stages', scope.workspaceId, id, true)
    const patch = columns(input, stageColumns)
    if (input.position !== undefined && input.position !== stage.position) {
      await deferStagePositions(trx)
      const to = Math.min(input.position, (await countStages(trx, stage.journey_id)) - 1)
      const from = stage.position
      await trx
        .updateTable('stages')
        .set((eb) => ({ position: eb('position', '+', to < from ? 1 : -1) }))
        .where('journey_id', '=', stage.journey_id)
        .where('position', '>=', Math.min(from, to) + (to < from ? 0 : 1))
        .where('position', '<=', Math.max(from, to) - (to < from ? 1 : 0))
        .execute()
      patch.position = to
    }
    return toStage(await updateAudited(trx, scope, 'stages', id, patch))
  })
}
export async function deleteStage(db: Kysely<DB>, scope: Scope, id: number) {
  await db.transaction().execute(async (trx) => {
    const stage = await getOwned(trx, 'stages', scope.workspaceId, id, true)
    const used = await trx
      .selectFrom('barriers')
      .select('id')
      .where('stage_id', '=', id)
      .union(trx.selectFrom('recommendations').select('id').where('stage_id', '=', id))
      .limit(1)
      .executeTakeFirst()
    if (used)
      throw new ApiError(
        409,
        'in_use',
        'The stage has barriers or recommendations; move or remove them first',
      )
    await deferStagePositions(trx)
    await deleteAudited(trx, scope, 'stages', id)
    await trx
      .updateTable('stages')
      .set((eb) => ({ position: eb('position', '-', 1) }))
      .where('journey_id', '=', stage.journey_id)
      .where('position', '>', stage.position)
      .execute()
  })
}

export async function listTouchpoints(
  db: Kysely<DB>,
  scope: Scope,
  filter: Paging & { stage?: number | undefined },
) {
  const rows = await pageById(
    db
      .selectFrom('touchpoints')
      .selectAll()
      .where('workspace_id', '=', scope.workspaceId)
      .$if(filter.stage !== undefined, (q) => q.where('stage_id', '=', filter.stage!)),
    'id',
    filter,
  ).execute()
  return toPage(rows.map(toTouchpoint), filter)
}
export async function createTouchpoint(
  db: Kysely<DB>,
  scope: Scope,
  input: z.infer<typeof CreateTouchpoint>,
) {
  return db.transaction().execute(async (trx) => {
    await requireReference(trx, 'stages', scope.workspaceId, input.stageId, 'body.stageId')
    return toTouchpoint(
      await insertAudited(trx, scope, 'touchpoints', {
        stage_id: input.stageId,
        channel: input.channel,
        description: input.description,
      }),
    )
  })
}
export async function updateTouchpoint(
  db: Kysely<DB>,
  scope: Scope,
  id: number,
  input: z.infer<typeof UpdateTouchpoint>,
) {
  return db
    .transaction()
    .execute(async (trx) =>
      toTouchpoint(
        await updateAudited(
          trx,
          scope,
          'touchpoints',
          id,
          columns(input, { channel: 'channel', description: 'description' }),
          { touch: false },
        ),
      ),
    )
}
export async function deleteTouchpoint(db: Kysely<DB>, scope: Scope, id: number) {
  await db.transaction().execute((trx) => deleteAudited(trx, scope, 'touchpoints', id))
}
