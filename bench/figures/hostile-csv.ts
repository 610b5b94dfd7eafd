import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { BenchContext } from '../lib/context.ts'
import { now, sleep } from '../lib/measure.ts'

const BAD_DEALS = 2_000_000
const LIST_LINES = 1_000_000

/** Starts a new peak of a process's resident memory (Linux: clear_refs 5 resets VmHWM). */
function resetPeakRss(pid: number) {
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
}

/** A process's peak resident memory since the last reset (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m)
  return line ? Number(line[1]) / 1024 : Number.NaN
}

/** The slowest answer of /api/health, asked every 100 ms while a request runs. */
function watchHealth(url: string) {
  let stop = false
  let slowest = 0
  const done = (async () => {
    while (!stop) {
      const started = now()
      const res = await fetch(`${url}/api/health`)
      await res.arrayBuffer()
      slowest = Math.max(slowest, now() - started)
      await sleep(100)
    }
  })()
  return async () => {
    stop = true
    await done
    return slowest
  }
}

/** Starts the figure's server process and waits for the line that says where it listens. */
async function startServer(kind: BenchContext['kind']) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./hostile-csv-server.ts', import.meta.url).pathname],
    { env: { ...process.env, BENCH_KIND: kind }, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const lines = createInterface({ input: child.stdout! })
  const [first] = await Promise.race([
    (async () => {
      for await (const line of lines) return [line]
      throw new Error('the hostile-CSV server ended before it listened')
    })(),
    new Promise<never>((_, fail) => child.once('exit', (code) => fail(new Error(`server exited ${code}`)))),
  ])
  const info = JSON.parse(first!) as { url: string; slug: string; apiKey: string; test: number }
  return {
    ...info,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done())
        child.kill('SIGTERM')
      }),
  }
}

/**
 * Figure: hostile CSV files. A deals file of 2M bad rows (half unreadable outcomes, half deals of
 * customers never assigned) must be refused with 422 within 60 s, with a reply under 1 MB, the
 * server process (its own, by its peak resident set) under 1 GB and /api/health answering within
 * 1 s throughout; a customer list of 1M lines
 * must be refused with 413 within 10 s. No ceiling: these are limits, not rates.
 */
export async function hostileCsvFigure(ctx: BenchContext) {
  const server = await startServer(ctx.kind)
  const headers = { authorization: `Bearer ${server.apiKey}`, 'content-type': 'text/csv' }
  const base = `${server.url}/api/workspaces/${server.slug}/tests/${server.test}`
  try {
    const lines = ['externalId,customerKey,closedAt,converted']
    for (let i = 0; i < BAD_DEALS; i++)
      lines.push(i % 2 === 0 ? `h-${i},c1,2026-11-10,maybe` : `h-${i},stranger-${i},2026-11-10,true`)
    const body = lines.join('\n')
    lines.length = 0
    const before = peakRssMb(server.pid)
    resetPeakRss(server.pid)
    const stopWatch = watchHealth(server.url)
    const started = now()
    const res = await fetch(`${base}/deals/csv`, { method: 'POST', headers, body })
    const reply = await res.text()
    const seconds = (now() - started) / 1000
    const slowestHealthMs = await stopWatch()
    const peak = peakRssMb(server.pid)
    const ok = res.status === 422 && reply.length < 2 ** 20
    ctx.report.add({
      figure: `hostile CSV: ${BAD_DEALS.toLocaleString('en')} bad deal rows`,
      target: ctx.target,
      unit: 's to 422',
      product: seconds,
      better: 'lower',
      goal: {
        text: '422 < 60 s, reply < 1 MB, server RSS < 1 GB, health < 1 s',
        holds: ok && seconds < 60 && peak < 1024 && slowestHealthMs < 1000,
      },
      note: `status ${res.status}, reply ${(reply.length / 1024).toFixed(0)} KB, server peak RSS ${peak.toFixed(0)} MB during the upload (${before.toFixed(0)} MB while seeding), slowest health ${slowestHealthMs.toFixed(0)} ms, body ${(body.length / 2 ** 20).toFixed(0)} MB`,
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
    await server.stop()
  }
}
