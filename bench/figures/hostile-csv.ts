import { createApp } from '../../server/app.ts'
import type { BenchContext } from '../lib/context.ts'
import { benchWorkspace, seedAssignments } from '../lib/fixtures.ts'
import { now, sleep } from '../lib/measure.ts'
import { listen } from '../lib/server.ts'

const BAD_DEALS = 2_000_000
const LIST_LINES = 1_000_000

/**
 * Watches the server while a request runs: the slowest answer of /api/health (asked every 100 ms)
 * and the highest resident memory of the process (the bench and the server share it).
 */
function watch(url: string) {
  let stop = false
  let slowest = 0
  let rss = process.memoryUsage().rss
  const done = (async () => {
    while (!stop) {
      const started = now()
      const res = await fetch(`${url}/api/health`)
      await res.arrayBuffer()
      slowest = Math.max(slowest, now() - started)
      rss = Math.max(rss, process.memoryUsage().rss)
      await sleep(100)
    }
  })()
  return async () => {
    stop = true
    await done
    return { slowestHealthMs: slowest, peakRssMb: rss / 2 ** 20 }
  }
}

/**
 * Figure: hostile CSV files. A deals file of 2M bad rows (half unreadable outcomes, half deals of
 * customers never assigned) must be refused with 422 within 60 s, with a reply under 1 MB, the
 * process under 1 GB and /api/health answering within 1 s throughout; a customer list of 1M lines
 * must be refused with 413 within 10 s. No ceiling: these are limits, not rates.
 */
export async function hostileCsvFigure(ctx: BenchContext) {
  const bdb = await ctx.dbs.open('hostile')
  try {
    const db = bdb.database.db
    const app = createApp({ db, clock: () => new Date(), sessionTtlHours: 24 })
    const ws = await benchWorkspace(db, app)
    const test = await ws.runningTest('Hostile CSV')
    await seedAssignments(bdb, test, 1000)
    const server = await listen(app.fetch)
    const headers = { authorization: `Bearer ${ws.apiKey}`, 'content-type': 'text/csv' }
    const base = `${server.url}/api/workspaces/${ws.slug}/tests/${test}`
    try {
      const lines = ['externalId,customerKey,closedAt,converted']
      for (let i = 0; i < BAD_DEALS; i++)
        lines.push(i % 2 === 0 ? `h-${i},c1,2026-11-10,maybe` : `h-${i},stranger-${i},2026-11-10,true`)
      const body = lines.join('\n')
      lines.length = 0
      const stopWatch = watch(server.url)
      const started = now()
      const res = await fetch(`${base}/deals/csv`, { method: 'POST', headers, body })
      const reply = await res.text()
      const seconds = (now() - started) / 1000
      const seen = await stopWatch()
      const ok = res.status === 422 && reply.length < 2 ** 20
      ctx.report.add({
        figure: `hostile CSV: ${BAD_DEALS.toLocaleString('en')} bad deal rows`,
        target: ctx.target,
        unit: 's to 422',
        product: seconds,
        better: 'lower',
        goal: {
          text: '422 < 60 s, reply < 1 MB, RSS < 1 GB, health < 1 s',
          holds: ok && seconds < 60 && seen.peakRssMb < 1024 && seen.slowestHealthMs < 1000,
        },
        note: `status ${res.status}, reply ${(reply.length / 1024).toFixed(0)} KB, peak RSS ${seen.peakRssMb.toFixed(0)} MB (bench and server), slowest health ${seen.slowestHealthMs.toFixed(0)} ms, body ${(body.length / 2 ** 20).toFixed(0)} MB`,
      })

      const list = ['customerKey', ...Array.from({ length: LIST_LINES }, (_, i) => `hostile-${i}`)].join('\n')
      const listStarted = now()
      const listRes = await fetch(`${base}/assignments/csv`, { method: 'POST', headers, body: list })
      await listRes.arrayBuffer()
      const listSeconds = (now() - listStarted) / 1000
      ctx.report.add({
        figure: `hostile CSV: ${LIST_LINES.toLocaleString('en')}-line customer list`,
        target: ctx.target,
        unit: 's to 413',
        product: listSeconds,
        better: 'lower',
        goal: { text: '413 < 10 s', holds: listRes.status === 413 && listSeconds < 10 },
        note: `status ${listRes.status}`,
      })
    } finally {
      await server.close()
    }
  } finally {
    await bdb.close()
  }
}
