import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { sql } from 'kysely'
import { createApp } from '../../server/app.ts'
import type { BenchContext } from '../lib/context.ts'
import { cpuMark, cpuPerRequest } from '../lib/cpu.ts'
import { benchWorkspace } from '../lib/fixtures.ts'
import { runLoad, type LoadResult } from '../lib/load.ts'
import { median } from '../lib/measure.ts'
import { listen } from '../lib/server.ts'

const CONNECTIONS = 50
const ROUNDS = 3

type Round = LoadResult & { cpu: ReturnType<typeof cpuPerRequest> }

const cpuText = (r: Round) =>
  r.cpu
    ? `, CPU per request: server ${Math.round(r.cpu.nodeUs)} µs + PostgreSQL ${Math.round(r.cpu.postgresUs)} µs`
    : ''
const summary = (rs: Round[], first = 1) =>
  rs
    .map(
      (r, i) =>
        `r${i + first} ${Math.round(r.rps)}/s p50 ${r.p50.toFixed(1)} p99 ${r.p99.toFixed(1)} ms${cpuText(r)}${r.failed ? ` (${r.failed} failed: ${JSON.stringify(r.statuses)})` : ''}`,
    )
    .join('; ')

/** Median CPU per request of the product's rounds against the ceiling's: where the difference lies. */
function cpuComparison(product: Round[], ceiling: Round[]) {
  const of = (rs: Round[], k: 'nodeUs' | 'postgresUs') => median(rs.flatMap((r) => (r.cpu ? [r.cpu[k]] : [])))
  if (!product[0]?.cpu || !ceiling[0]?.cpu) return ''
  return `; CPU per request (medians): product server ${Math.round(of(product, 'nodeUs'))} µs + PostgreSQL ${Math.round(of(product, 'postgresUs'))} µs, ceiling ${Math.round(of(ceiling, 'nodeUs'))} + ${Math.round(of(ceiling, 'postgresUs'))} µs`
}

async function rounds(
  ctx: BenchContext,
  label: string,
  load: (round: number, durationMs: number) => Promise<LoadResult>,
  count = ROUNDS,
) {
  await load(0, 1000) // warm-up: JIT, pools, plans
  const out: Round[] = []
  for (let r = 1; r <= count; r++) {
    const mark = cpuMark()
    const result = await load(r, ctx.roundSeconds * 1000)
    out.push({ ...result, cpu: cpuPerRequest(mark, result.generatorSeconds, result.ok + result.failed) })
    ctx.log(`    ${label} round ${r}: ${summary([out.at(-1)!], r)}`)
  }
  return out
}

/**
 * Figure 2: POST /assignments for one new customer each, 50 connections, 3 × roundSeconds in one
 * server process (rounds are not reset, so a slowdown as the table grows shows), against a bare
 * Hono route doing one INSERT into the same table in a database of its own.
 */
export async function assignmentFigure(ctx: BenchContext) {
  // Product: the real app on its own database.
  const bdb = await ctx.dbs.open('assign')
  let product: Round[], bySession: Round[]
  try {
    const app = createApp({ db: bdb.database.db, clock: () => new Date(), sessionTtlHours: 24 })
    const ws = await benchWorkspace(bdb.database.db, app)
    const testId = await ws.runningTest('Assignment load')
    const server = await listen(app.fetch)
    const path = `/api/workspaces/${ws.slug}/tests/${testId}/assignments`
    try {
      product = await rounds(ctx, 'product (API key)', (r, durationMs) =>
        runLoad({
          url: server.url,
          method: 'POST',
          path,
          durationMs,
          connections: CONNECTIONS,
          bodyKind: 'assign',
          keyPrefix: `k${r}`,
          headers: { authorization: `Bearer ${ws.apiKey}` },
        }),
      )
      bySession = await rounds(
        ctx,
        'product (session cookie)',
        (r, durationMs) =>
          runLoad({
            url: server.url,
            method: 'POST',
            path,
            durationMs,
            connections: CONNECTIONS,
            bodyKind: 'assign',
            keyPrefix: `s${r}`,
            headers: { cookie: `cxw_session=${ws.cookie}` },
          }),
        1,
      )
    } finally {
      await server.close()
    }
  } finally {
    await bdb.close()
  }

  // Ceiling: the least an assignment can cost, one INSERT behind a bare route, on a fresh database.
  const cdb = await ctx.dbs.open('assign_bare')
  let ceiling: Round[]
  try {
    const db = cdb.database.db
    const app = createApp({ db, clock: () => new Date(), sessionTtlHours: 24 })
    const ws = await benchWorkspace(db, app)
    const testId = await ws.runningTest('Assignment ceiling')
    const bare = new Hono()
    bare.post('/assign', async (c) => {
      const { customerKey } = await c.req.json<{ customerKey: string }>()
      const group =
        createHash('sha256').update(`salt:${customerKey}`).digest().readUIntBE(0, 6) / 2 ** 48 < 0.5
          ? 'control'
          : 'treatment'
      if (cdb.bare)
        await cdb.bare`insert into assignments (test_id, customer_key, "group") values (${testId}, ${customerKey}, ${group})`
      else
        await sql`insert into assignments (test_id, customer_key, "group") values (${testId}, ${customerKey}, ${group})`.execute(
          db,
        )
      return c.json({ customerKey, group })
    })
    const server = await listen(bare.fetch)
    try {
      ceiling = await rounds(ctx, 'ceiling (bare INSERT)', (r, durationMs) =>
        runLoad({
          url: server.url,
          method: 'POST',
          path: '/assign',
          durationMs,
          connections: CONNECTIONS,
          bodyKind: 'assign',
          keyPrefix: `b${r}`,
        }),
      )
    } finally {
      await server.close()
    }
  } finally {
    await cdb.close()
  }

  const rps = median(product.map((r) => r.rps))
  const ceilRps = median(ceiling.map((r) => r.rps))
  const p99 = median(product.map((r) => r.p99))
  const slowdown = product.at(-1)!.rps / product[0]!.rps
  ctx.report.add({
    figure: `assignment rate, ${CONNECTIONS} conn (API key)`,
    target: ctx.target,
    unit: 'req/s',
    better: 'higher',
    product: rps,
    ceiling: ceilRps,
    rounds: product.map((r) => r.rps),
    goal: { text: '≥ 0.8× ceiling', holds: rps >= 0.8 * ceilRps },
    note: `product ${summary(product)}; last/first round ${slowdown.toFixed(2)}; ceiling ${summary(ceiling)}${cpuComparison(product, ceiling)}`,
  })
  ctx.report.add({
    figure: 'assignment p99 (API key)',
    target: ctx.target,
    unit: 'ms',
    better: 'lower',
    product: p99,
    ceiling: median(ceiling.map((r) => r.p99)),
    rounds: product.map((r) => r.p99),
    goal: { text: '< 25 ms', holds: p99 < 25 },
    note: `p50 ${median(product.map((r) => r.p50)).toFixed(1)} ms`,
  })
  ctx.report.add({
    figure: 'assignment rate (session cookie)',
    target: ctx.target,
    unit: 'req/s',
    better: 'higher',
    product: bySession[0]!.rps,
    ceiling: ceilRps,
    rounds: bySession.map((r) => r.rps),
    note: `diagnostic, 1 round: ${summary(bySession)}`,
  })
}
