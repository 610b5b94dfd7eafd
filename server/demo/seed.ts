import type { Kysely } from 'kysely'
import type { DB, Role } from '../../db/tables/index.ts'
import { hashPassword } from '../auth/password.ts'
import type { Scope } from '../context.ts'
import { CreateHypothesis } from '../schemas/hypothesis.ts'
import { CreateBarrier, CreateRecommendation } from '../schemas/barrier.ts'
import { CreateSegment, CreateStage } from '../schemas/journey.ts'
import { CreateDecision, CreateTest } from '../schemas/test.ts'
import { createBarrier, createRecommendation } from '../services/barriers.ts'
import { recordDecision } from '../services/decisions.ts'
import { createHypothesis } from '../services/hypotheses.ts'
import { createJourney, createSegment, createStage, createTouchpoint } from '../services/journeys.ts'
import { changeTestState, createTest } from '../services/tests.ts'
import { closeOutTest } from '../services/close-out.ts'
import { simulateDeals } from './deals.ts'
import type { DemoContent } from './content.ts'
import { en } from './content-en.ts'
import { ru } from './content-ru.ts'

export const DEMO_PASSWORD = 'demo'
export const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: 'marketer@demo.local', name: 'Maria Marketer', role: 'marketer' },
  { email: 'analyst@demo.local', name: 'Anton Analyst', role: 'analyst' },
  { email: 'leader@demo.local', name: 'Lena Leader', role: 'leader' },
  { email: 'admin@demo.local', name: 'Adam Admin', role: 'admin' },
]

const DAY = 86_400_000

async function ensureUsers(db: Kysely<DB>): Promise<Map<Role, number>> {
  const ids = new Map<Role, number>()
  const hash = await hashPassword(DEMO_PASSWORD)
  for (const u of DEMO_USERS) {
    const row = await db
      .insertInto('users')
      .values({ email: u.email, name: u.name, password_hash: hash })
      .onConflict((oc) => oc.column('email').doUpdateSet({ name: u.name }))
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.set(u.role, row.id)
  }
  return ids
}

/**
 * One demo workspace, built through the services so the demo obeys the pipeline rules:
 * the journey map, barriers, recommendations, a backlog of hypotheses, and three tests —
 * running, completed awaiting a decision, and decided with a roll-out.
 */
async function seedWorkspace(db: Kysely<DB>, users: Map<Role, number>, content: DemoContent, now: Date) {
  const ws = await db
    .insertInto('workspaces')
    .values(content.workspace)
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('memberships')
    .values([...users].map(([role, userId]) => ({ workspace_id: ws.id, user_id: userId, role })))
    .execute()
  const as = (role: Role): Scope => ({
    workspaceId: ws.id,
    slug: content.workspace.slug,
    role,
    actor: { userId: users.get(role)!, apiKeyId: null },
  })
  const marketer = as('marketer')
  const analyst = as('analyst')

  const segment = await createSegment(
    db,
    marketer,
    CreateSegment.parse({ ...content.segment, yearlyDeals: 2400, valuePerConversion: 1200, dealsPerWeek: 8 }),
  )
  const journey = await createJourney(db, marketer, { segmentId: segment.id, ...content.journey })
  const stages = []
  for (const stage of content.stages)
    stages.push(await createStage(db, marketer, CreateStage.parse({ journeyId: journey.id, ...stage })))
  for (const tp of content.touchpoints)
    await createTouchpoint(db, marketer, {
      stageId: stages[tp.stage]!.id,
      channel: tp.channel,
      description: tp.description,
    })
  const barriers = new Map<string, number>()
  for (const b of content.barriers) {
    const { key, stage, ...fields } = b
    barriers.set(
      key,
      (await createBarrier(db, marketer, CreateBarrier.parse({ stageId: stages[stage]!.id, ...fields }))).id,
    )
  }
  const recommendations = new Map<string, number>()
  for (const r of content.recommendations) {
    const created = await createRecommendation(
      db,
      marketer,
      CreateRecommendation.parse({
        stageId: stages[r.stage]!.id,
        barrierId: r.barrier ? barriers.get(r.barrier)! : null,
        text: r.text,
        channel: r.channel,
      }),
    )
    recommendations.set(r.key, created.id)
  }
  const hypotheses = new Map<string, number>()
  for (const h of content.hypotheses) {
    const { key, recommendation, owner, ...fields } = h
    const created = await createHypothesis(
      db,
      marketer,
      CreateHypothesis.parse({
        recommendationId: recommendations.get(recommendation)!,
        ownerId: owner ? users.get(owner)! : null,
        ...fields,
      }),
    )
    hypotheses.set(key, created.id)
  }

  for (const t of content.tests) {
    const test = await createTest(
      db,
      analyst,
      CreateTest.parse({ hypothesisId: hypotheses.get(t.hypothesis)!, name: t.name, plan: t.plan }),
    )
    await changeTestState(db, analyst, test.id, 'start', new Date(now.getTime() - t.startedDaysAgo * DAY))
    // The deals complete each test by reaching its target, except the one still running.
    await simulateDeals(db, analyst, test.id, t.deals, now)
    // The analyst closes each finished test out a few days after it completed; leadership decides after.
    if (t.closeOut) {
      await closeOutTest(
        db,
        analyst,
        test.id,
        t.closeOut,
        new Date(now.getTime() - (t.deals.toDaysAgo - 3) * DAY),
      )
    }
    if (t.decision) {
      await recordDecision(
        db,
        as('leader'),
        test.id,
        CreateDecision.parse({
          verdict: t.decision.verdict,
          rationale: t.decision.rationale,
          rolloutNote: t.decision.rolloutNote,
          ...(t.decision.verdict === 'roll_out'
            ? {
                barrierEffect: t.decision.barrierEffect,
                rolloutStartsOn: new Date(now.getTime() - (t.deals.toDaysAgo - 12) * DAY)
                  .toISOString()
                  .slice(0, 10),
              }
            : {}),
        }),
        new Date(now.getTime() - (t.deals.toDaysAgo - 7) * DAY),
      )
    }
  }
}

/** Seeds the demo workspaces once; returns false when they are already there. */
export async function seedDemo(db: Kysely<DB>, now = new Date()): Promise<boolean> {
  const existing = await db
    .selectFrom('workspaces')
    .select('id')
    .where('slug', '=', en.workspace.slug)
    .executeTakeFirst()
  if (existing) return false
  const users = await ensureUsers(db)
  for (const content of [en, ru]) await seedWorkspace(db, users, content, now)
  return true
}
