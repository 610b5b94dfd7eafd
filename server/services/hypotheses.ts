import type { Kysely, Transaction } from 'kysely'
import type { z } from '@hono/zod-openapi'
import type { DB, HypothesisRow, HypothesisStatus } from '../../db/tables/index.ts'
import { orderByIceScore } from '../../db/queries/hypotheses.ts'
import { pageById, toPage, type Paging } from '../../db/queries/paging.ts'
import type { Scope } from '../context.ts'
import { pipelineRule, unknownReference, wrongState } from '../errors.ts'
import {
  toHypothesis,
  toHypothesisRow,
  type CreateHypothesis,
  type HypothesisLinks,
  type UpdateHypothesis,
} from '../schemas/hypothesis.ts'
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

function hypothesisColumns(input: z.infer<typeof UpdateHypothesis>) {
  const out = columns(input, {
    change: 'change',
    expectedOutcome: 'expected_outcome',
    rationale: 'rationale',
    primaryMetric: 'primary_metric',
    baselineRate: 'baseline_rate',
    expectedLift: 'expected_lift',
    valuePerConversion: 'value_per_conversion',
    yearlyEligibleDeals: 'yearly_eligible_deals',
    ownerId: 'owner_id',
    status: 'status',
  })
  if (input.ice !== undefined) {
    out.ice_impact = input.ice?.impact ?? null
    out.ice_confidence = input.ice?.confidence ?? null
    out.ice_ease = input.ice?.ease ?? null
  }
  return out
}

async function linksOf(db: Db, rows: HypothesisRow[]): Promise<Map<number, HypothesisLinks>> {
  const recommendationIds = [...new Set(rows.map((r) => r.recommendation_id))]
  const [recommendations, tests] = await Promise.all([
    recommendationIds.length === 0
      ? []
      : db
          .selectFrom('recommendations')
          .select(['id', 'barrier_id', 'stage_id'])
          .where('id', 'in', recommendationIds)
          .execute(),
    childIds(
      db,
      'tests',
      'hypothesis_id',
      rows.map((r) => r.id),
    ),
  ])
  const byId = new Map(recommendations.map((r) => [r.id, r]))
  return new Map(
    rows.map((r) => {
      const rec = byId.get(r.recommendation_id)!
      return [
        r.id,
        {
          recommendation: rec.id,
          barrier: rec.barrier_id,
          stage: rec.stage_id,
          tests: tests.get(r.id) ?? [],
        },
      ]
    }),
  )
}

/** The owner must be a member of the workspace. */
async function checkOwner(db: Db, scope: Scope, ownerId: number | null | undefined) {
  if (ownerId == null) return
  const member = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('user_id', '=', ownerId)
    .executeTakeFirst()
  if (!member) throw unknownReference('body.ownerId', 'member')
}

export interface HypothesisFilter extends Paging {
  status?: HypothesisStatus | undefined
  owner?: number | undefined
  stage?: number | undefined
  segment?: number | undefined
  sort: 'id' | 'score'
}

/** The backlog: filtered by status, owner, stage or segment; by id, or by ICE score (highest first, unscored last). */
export async function listHypotheses(db: Kysely<DB>, scope: Scope, filter: HypothesisFilter) {
  const base = db
    .selectFrom('hypotheses as h')
    .selectAll('h')
    .where('h.workspace_id', '=', scope.workspaceId)
    .$if(filter.status !== undefined, (q) => q.where('h.status', '=', filter.status!))
    .$if(filter.owner !== undefined, (q) => q.where('h.owner_id', '=', filter.owner!))
    .$if(filter.stage !== undefined || filter.segment !== undefined, (q) =>
      q
        .innerJoin('recommendations as r', 'r.id', 'h.recommendation_id')
        .innerJoin('stages as s', 's.id', 'r.stage_id')
        .innerJoin('journeys as j', 'j.id', 's.journey_id')
        .$if(filter.stage !== undefined, (q2) => q2.where('s.id', '=', filter.stage!))
        .$if(filter.segment !== undefined, (q2) => q2.where('j.segment_id', '=', filter.segment!)),
    )
  let rows: HypothesisRow[]
  let nextCursor: string | null
  if (filter.sort === 'score') {
    // Offset paging here: the order is by a computed score, and backlogs are hundreds of rows.
    const offset = filter.cursor === undefined ? 0 : Number(filter.cursor)
    rows = await base.$call(orderByIceScore).limit(filter.limit).offset(offset).execute()
    nextCursor = rows.length === filter.limit ? String(offset + rows.length) : null
  } else {
    rows = await pageById(base, 'h.id', filter).execute()
    nextCursor = toPage(rows, filter).nextCursor
  }
  const links = await linksOf(db, rows)
  return { items: rows.map((r) => toHypothesis(r, links.get(r.id)!)), nextCursor }
}

export async function getHypothesis(db: Kysely<DB>, scope: Scope, id: number) {
  const row = await getOwned(db, 'hypotheses', scope.workspaceId, id)
  return toHypothesis(row, (await linksOf(db, [row])).get(id)!)
}

export async function createHypothesis(
  db: Kysely<DB>,
  scope: Scope,
  input: z.infer<typeof CreateHypothesis>,
) {
  const id = await db.transaction().execute(async (trx) => {
    await requireReference(
      trx,
      'recommendations',
      scope.workspaceId,
      input.recommendationId,
      'body.recommendationId',
    )
    await checkOwner(trx, scope, input.ownerId)
    const row = await insertAudited(trx, scope, 'hypotheses', {
      ...toHypothesisRow(input),
      created_by: scope.actor.userId,
    })
    return row.id
  })
  return getHypothesis(db, scope, id)
}

export async function updateHypothesis(
  db: Kysely<DB>,
  scope: Scope,
  id: number,
  input: z.infer<typeof UpdateHypothesis>,
) {
  await db.transaction().execute(async (trx) => {
    await checkOwner(trx, scope, input.ownerId)
    const current = await getOwned(trx, 'hypotheses', scope.workspaceId, id, true)
    const next = {
      baseline_rate: input.baselineRate !== undefined ? input.baselineRate : current.baseline_rate,
      expected_lift: input.expectedLift !== undefined ? input.expectedLift : current.expected_lift,
    }
    if (
      next.baseline_rate != null &&
      next.expected_lift != null &&
      !(next.baseline_rate + next.expected_lift > 0 && next.baseline_rate + next.expected_lift < 1)
    ) {
      throw pipelineRule('Baseline plus lift must stay between 0 and 1', [
        { path: 'body.expectedLift', message: 'baseline plus lift must stay between 0 and 1' },
      ])
    }
    if (input.status !== undefined && !['draft', 'ready'].includes(current.status)) {
      throw wrongState(
        `A hypothesis in status ${current.status} is moved on by its tests and decisions, not by hand`,
      )
    }
    await updateAudited(trx, scope, 'hypotheses', id, hypothesisColumns(input))
  })
  return getHypothesis(db, scope, id)
}

export async function deleteHypothesis(db: Kysely<DB>, scope: Scope, id: number) {
  await db.transaction().execute((trx) => deleteAudited(trx, scope, 'hypotheses', id))
}
