import { randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/tables/index.ts'
import { createApp } from '../../server/app.ts'
import { hashToken, newToken } from '../../server/auth/tokens.ts'
import type { BenchDatabase } from './database.ts'

export type App = ReturnType<typeof createApp>

/** Days a bench test has been running: deals close over this many days before now. */
export const RUNNING_DAYS = 120
/** Far above any bench volume, so no test completes (and turns later deals late) mid-figure. */
const TARGET_DEALS = 100_000_000

/**
 * A workspace made the way a team makes it: an admin (a session cookie, as the browser has), the
 * pipeline through the API up to a running test, and an ingest API key (as a CRM sends with).
 */
export async function benchWorkspace(db: Kysely<DB>, app: App) {
  const slug = `bench-${randomBytes(4).toString('hex')}`
  const ws = await db
    .insertInto('workspaces')
    .values({ slug, name: `Bench ${slug}` })
    .returning('id')
    .executeTakeFirstOrThrow()
  const user = await db
    .insertInto('users')
    .values({ email: `${slug}@example.test`, name: 'Bench admin', password_hash: 'not-used' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('memberships')
    .values({ workspace_id: ws.id, user_id: user.id, role: 'admin' })
    .execute()
  const cookie = newToken('cxs')
  await db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(cookie),
      user_id: user.id,
      expires_at: new Date(Date.now() + 7 * 86_400_000),
    })
    .execute()

  // The bench reads a few fields of each reply; the replies are checked by the product's own tests.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = async (method: string, path: string, body?: unknown, expect = [200, 201]): Promise<any> => {
    const res = await app.request(`/api/workspaces/${slug}${path}`, {
      method,
      headers: {
        cookie: `cxw_session=${cookie}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const json = await res.json().catch(() => null)
    if (!expect.includes(res.status))
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  const segment = await call('POST', '/segments', { name: 'Family men 30+' })
  const journey = await call('POST', '/journeys', { name: 'Buying a crossover', segmentId: segment.id })
  const stage = await call('POST', '/stages', { name: 'First visit', journeyId: journey.id })
  const barrier = await call('POST', '/barriers', {
    title: 'Manager pushes the test drive',
    kind: 'goal_clash',
    evidenceSource: 'interview',
    severity: 'high',
    stageId: stage.id,
  })
  const recommendation = await call('POST', '/recommendations', {
    text: 'Answer every question first',
    stageId: stage.id,
    barrierId: barrier.id,
  })
  const hypothesis = await call('POST', '/hypotheses', {
    change: 'an email chain about extras',
    expectedOutcome: 'more deals with extras',
    primaryMetric: 'extras bought',
    baselineRate: 0.15,
    expectedLift: 0.02,
    ice: { impact: 8, confidence: 7, ease: 8 },
    recommendationId: recommendation.id,
  })
  const key = await call('POST', '/api-keys', { name: 'CRM' })

  /** A running test, started through the API and then dated back RUNNING_DAYS so past deals are accepted. */
  const runningTest = async (name: string) => {
    const test = await call('POST', '/tests', {
      name,
      hypothesisId: hypothesis.id,
      plan: { targetDeals: TARGET_DEALS, maxDurationDays: 3650 },
    })
    await call('POST', `/tests/${test.id}/start`)
    await sql`update tests set started_at = now() - make_interval(days => ${RUNNING_DAYS + 1}) where id = ${test.id}`.execute(
      db,
    )
    return test.id as number
  }
  return {
    id: ws.id,
    slug,
    cookie,
    apiKey: key.key as string,
    hypothesisId: hypothesis.id as number,
    call,
    runningTest,
  }
}

export type BenchWorkspace = Awaited<ReturnType<typeof benchWorkspace>>

/** Customers `${prefix}1…${prefix}n` assigned to a test, half and half, set-based. */
export async function seedAssignments(bdb: BenchDatabase, testId: number, n: number, prefix = 'c') {
  await bdb.seed(`
    insert into assignments (test_id, customer_key, "group", assigned_at)
    select ${testId}, '${prefix}' || i, case when i % 2 = 0 then 'control' else 'treatment' end,
      now() - interval '${RUNNING_DAYS} days' + (i % ${RUNNING_DAYS}) * interval '1 day'
    from generate_series(1, ${n}) as i`)
}

/**
 * Deals for customers already assigned (one deal each), closing over RUNNING_DAYS days: control
 * converts at 15 %, treatment at 17 %; converted deals carry a revenue. Then the per-arm and per-day
 * totals are filled from the deals, as ingestion keeps them.
 */
export async function seedDeals(bdb: BenchDatabase, testId: number, n: number, prefix = 'c') {
  await bdb.seed(`
    insert into deals (test_id, external_id, customer_key, "group", closed_at, converted, revenue)
    select ${testId}, 'd' || i, '${prefix}' || i, g, closed_at, converted, case when converted then round((500 + u * 1000)::numeric, 2) end
    from (
      select i, case when i % 2 = 0 then 'control' else 'treatment' end as g,
        now() - interval '${RUNNING_DAYS} days' + (i::float8 / ${n}) * interval '${RUNNING_DAYS} days' as closed_at,
        random() < case when i % 2 = 0 then 0.15 else 0.17 end as converted, random() as u
      from generate_series(1, ${n}) as i
    ) as s`)
  await fillTotals(bdb, `test_id = ${testId}`)
}

/** arm_totals and arm_daily_totals from the deals of the tests matching `where`, as ingestion would have left them. */
export async function fillTotals(bdb: BenchDatabase, where: string) {
  await bdb.seed(`
    insert into arm_totals (test_id, "group", deals, conversions, revenue_n, revenue_sum, revenue_sum_squares, late_deals, first_closed_at, last_closed_at)
    select test_id, "group", count(*), count(*) filter (where converted), count(revenue), coalesce(sum(revenue), 0), coalesce(sum(revenue * revenue), 0), 0, min(closed_at), max(closed_at)
    from deals where ${where} and not late group by test_id, "group"`)
  await bdb.seed(`
    insert into arm_daily_totals (test_id, "group", day, deals, conversions, revenue_n, revenue_sum)
    select test_id, "group", (closed_at at time zone 'UTC')::date, count(*), count(*) filter (where converted), count(revenue), coalesce(sum(revenue), 0)
    from deals where ${where} and not late group by 1, 2, 3`)
}

export async function analyze(bdb: BenchDatabase) {
  for (const t of ['assignments', 'deals', 'arm_totals', 'arm_daily_totals', 'tests'])
    await bdb.seed(`vacuum analyze ${t}`)
}
