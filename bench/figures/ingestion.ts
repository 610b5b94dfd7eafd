import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createApp } from '../../server/app.ts'
import type { BenchContext } from '../lib/context.ts'
import { analyze, benchWorkspace, RUNNING_DAYS, seedAssignments } from '../lib/fixtures.ts'
import { median, now } from '../lib/measure.ts'
import { listen } from '../lib/server.ts'

const JSON_BATCH = 10_000
const JSON_BATCHES = 10
const ROUNDS = 3
const DAY_MS = 86_400_000

/** Deal i of a round: customer `c<i>`, closing spread over the running days, 16 % converted. */
function deal(i: number, n: number, t0: number) {
  const closedAt = new Date(t0 + Math.floor((i / n) * (RUNNING_DAYS - 1) * DAY_MS))
  const converted = (i * 2654435761) % 100 < 16
  return { customerKey: `c${i}`, closedAt, converted, revenue: converted ? 500 + (i % 1000) + 0.25 : null }
}

/**
 * Figure 1: deals through the API — JSON batches of 10,000 and one CSV upload, validated and
 * upserted by the product — against COPY of the same rows into the same indexed table.
 */
export async function ingestionFigure(ctx: BenchContext) {
  const bdb = await ctx.dbs.open('ingest')
  try {
    const db = bdb.database.db
    const app = createApp({ db, clock: () => new Date(), sessionTtlHours: 24 })
    const ws = await benchWorkspace(db, app)
    const jsonTest = await ws.runningTest('Ingestion JSON')
    const csvTest = await ws.runningTest('Ingestion CSV')
    const copyTest = await ws.runningTest('Ingestion COPY')
    const jsonRows = JSON_BATCH * JSON_BATCHES
    const n = ctx.csvRows
    ctx.log(`  seeding ${jsonRows.toLocaleString()} + 2 × ${n.toLocaleString()} assignments`)
    await seedAssignments(bdb, jsonTest, jsonRows)
    await seedAssignments(bdb, csvTest, n)
    await seedAssignments(bdb, copyTest, n)
    await analyze(bdb)
    const server = await listen(app.fetch)
    const t0 = Date.now() - RUNNING_DAYS * DAY_MS
    const auth = { authorization: `Bearer ${ws.apiKey}` }
    const base = `${server.url}/api/workspaces/${ws.slug}/tests`
    try {
      // JSON: each round new deals (new external ids) for the same customers, in 10 batches sent one after another.
      const jsonRates: number[] = []
      for (let r = 1; r <= ROUNDS; r++) {
        const bodies = Array.from({ length: JSON_BATCHES }, (_, b) =>
          JSON.stringify(
            Array.from({ length: JSON_BATCH }, (_, k) => {
              const i = b * JSON_BATCH + k + 1
              const d = deal(i, jsonRows, t0)
              return {
                externalId: `j${r}-${i}`,
                customerKey: d.customerKey,
                closedAt: d.closedAt.toISOString(),
                converted: d.converted,
                revenue: d.revenue,
              }
            }),
          ),
        )
        const started = now()
        for (const body of bodies) {
          const res = await fetch(`${base}/${jsonTest}/deals`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body,
          })
          const out = (await res.json()) as { inserted?: number }
          if (res.status !== 200 || out.inserted !== JSON_BATCH)
            throw new Error(`JSON batch: ${res.status} ${JSON.stringify(out).slice(0, 300)}`)
        }
        jsonRates.push(jsonRows / ((now() - started) / 1000))
        ctx.log(`    JSON round ${r}: ${Math.round(jsonRates.at(-1)!)} deals/s`)
      }

      // CSV: one upload of n rows per round.
      const csvRates: number[] = []
      const csvRounds = n >= 1_000_000 ? 2 : ROUNDS
      for (let r = 1; r <= csvRounds; r++) {
        const lines = ['externalId,customerKey,closedAt,converted,revenue']
        for (let i = 1; i <= n; i++) {
          const d = deal(i, n, t0)
          lines.push(
            `v${r}-${i},${d.customerKey},${d.closedAt.toISOString()},${d.converted},${d.revenue ?? ''}`,
          )
        }
        const body = lines.join('\n') + '\n'
        const started = now()
        const res = await fetch(`${base}/${csvTest}/deals/csv`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'text/csv' },
          body,
        })
        const out = (await res.json()) as { inserted?: number }
        if (res.status !== 200 || out.inserted !== n)
          throw new Error(`CSV upload: ${res.status} ${JSON.stringify(out).slice(0, 300)}`)
        csvRates.push(n / ((now() - started) / 1000))
        ctx.log(
          `    CSV round ${r}: ${Math.round(csvRates.at(-1)!)} deals/s (${(body.length / 2 ** 20).toFixed(0)} MB)`,
        )
      }

      // Ceiling: COPY of the same rows (group included, as the product derives it) into the same table.
      const copyRates: number[] = []
      if (bdb.bare) {
        for (let r = 1; r <= ROUNDS; r++) {
          const chunks: string[] = []
          let chunk = ''
          for (let i = 1; i <= n; i++) {
            const d = deal(i, n, t0)
            chunk += `${copyTest}\tk${r}-${i}\t${d.customerKey}\t${i % 2 === 0 ? 'control' : 'treatment'}\t${d.closedAt.toISOString()}\t${d.converted ? 't' : 'f'}\t${d.revenue ?? '\\N'}\n`
            if (chunk.length > 1 << 20) {
              chunks.push(chunk)
              chunk = ''
            }
          }
          chunks.push(chunk)
          const started = now()
          const writable =
            await bdb.bare`copy deals (test_id, external_id, customer_key, "group", closed_at, converted, revenue) from stdin`.writable()
          await pipeline(Readable.from(chunks), writable)
          copyRates.push(n / ((now() - started) / 1000))
          ctx.log(`    COPY round ${r}: ${Math.round(copyRates.at(-1)!)} rows/s`)
        }
      }
      const copy = copyRates.length ? median(copyRates) : null
      const json = median(jsonRates)
      const csv = median(csvRates)
      const goal = (v: number) => ({ text: '≥ 0.5× COPY', holds: copy === null ? null : v >= 0.5 * copy })
      ctx.report.add({
        figure: `ingestion, JSON batches of ${JSON_BATCH.toLocaleString()}`,
        target: ctx.target,
        unit: 'deals/s',
        better: 'higher',
        product: json,
        ceiling: copy,
        rounds: jsonRates,
        goal: goal(json),
        note: `${JSON_BATCHES} batches per round; rounds ${jsonRates.map((x) => Math.round(x)).join(', ')}${copy === null ? '; no COPY ceiling on PGlite' : ''}`,
      })
      ctx.report.add({
        figure: `ingestion, one CSV of ${n.toLocaleString()} rows`,
        target: ctx.target,
        unit: 'deals/s',
        better: 'higher',
        product: csv,
        ceiling: copy,
        rounds: csvRates,
        goal: goal(csv),
        note: `rounds ${csvRates.map((x) => Math.round(x)).join(', ')}${copyRates.length ? `; COPY rounds ${copyRates.map((x) => Math.round(x)).join(', ')}` : '; no COPY ceiling on PGlite'}`,
      })
    } finally {
      await server.close()
    }
  } finally {
    await bdb.close()
  }
}
