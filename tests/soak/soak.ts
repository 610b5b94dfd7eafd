import { readFileSync } from 'node:fs'
import { signedIn } from '../helpers/server-process.ts'

export interface SoakReport {
  seconds: number
  requests: number
  errors: { status: number; path: string; body: string }[]
  byKind: Record<string, { count: number; p50: number; p99: number }>
  rssStartMb: number
  rssEndMb: number
}

const rssMb = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0
}

/**
 * Mixed traffic at a fixed rate against a running server (loopback only), for a bounded time:
 * customer assignments, deal batches of 50, results and portfolio reads, in the demo workspace.
 * Requests are started on a fixed schedule whatever the replies do (an open model), so a slow
 * server shows up as latency rather than as fewer requests.
 */
export async function soak(
  url: string,
  pid: number,
  options: { seconds: number; rate: number },
): Promise<SoakReport> {
  const api = await signedIn(url, 'analyst@demo.local', 'demo')
  const hypotheses: any = await (await api('/api/workspaces/demo/hypotheses?status=ready')).json()
  const test: any = await (
    await api('/api/workspaces/demo/tests', {
      method: 'POST',
      body: JSON.stringify({
        hypothesisId: hypotheses.items[0].id,
        name: `Soak ${Date.now()}`,
        plan: { targetDeals: 100_000_000 },
      }),
    })
  ).json()
  await api(`/api/workspaces/demo/tests/${test.id}/start`, { method: 'POST' })
  const base = `/api/workspaces/demo/tests/${test.id}`
  let customer = 0
  let deal = 0
  const assigned: string[] = []
  const kinds = ['assign', 'assign', 'assign', 'deals', 'results', 'portfolio'] as const
  const latencies: Record<string, number[]> = {}
  const errors: SoakReport['errors'] = []
  const send = async (kind: (typeof kinds)[number]) => {
    let path: string
    let init: { method?: string; body?: string } = {}
    let key: string | undefined
    if (kind === 'assign') {
      key = `S-${customer++}`
      path = `${base}/assignments`
      init = { method: 'POST', body: JSON.stringify({ customerKey: key }) }
    } else if (kind === 'deals' && assigned.length > 0) {
      // Deals only for customers whose assignment has been answered, as a CRM would send them.
      const rows = Array.from({ length: 50 }, () => ({
        externalId: `SD-${deal++}`,
        customerKey: assigned[Math.floor(Math.random() * assigned.length)]!,
        closedAt: new Date().toISOString(),
        converted: Math.random() < 0.2,
      }))
      path = `${base}/deals`
      init = { method: 'POST', body: JSON.stringify(rows) }
    } else if (kind === 'portfolio') path = '/api/workspaces/demo/portfolio'
    else path = `${base}/results`
    const started = performance.now()
    const res = await api(path, init)
    const body = await res.text()
    ;(latencies[kind] ??= []).push(performance.now() - started)
    if (!res.ok) errors.push({ status: res.status, path, body: body.slice(0, 300) })
    else if (key) assigned.push(key)
  }

  // Warm up, then measure memory from a settled start.
  for (let i = 0; i < 60; i++) await send(kinds[i % kinds.length]!)
  const rssStartMb = rssMb(pid)
  const inflight: Promise<void>[] = []
  const interval = 1000 / options.rate
  const end = performance.now() + options.seconds * 1000
  let n = 0
  for (let next = performance.now(); next < end; next += interval) {
    const wait = next - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    inflight.push(
      send(kinds[n++ % kinds.length]!).catch((err: Error) => {
        errors.push({ status: 0, path: 'network', body: err.message })
      }),
    )
  }
  await Promise.all(inflight)
  const byKind = Object.fromEntries(
    Object.entries(latencies).map(([k, xs]) => [
      k,
      { count: xs.length, p50: percentile(xs, 50), p99: percentile(xs, 99) },
    ]),
  )
  return { seconds: options.seconds, requests: n, errors, byKind, rssStartMb, rssEndMb: rssMb(pid) }
}

export function formatSoak(r: SoakReport): string {
  const lines = Object.entries(r.byKind).map(
    ([k, v]) =>
      `  ${k.padEnd(10)} ${String(v.count).padStart(6)} requests  p50 ${v.p50.toFixed(1)} ms  p99 ${v.p99.toFixed(1)} ms`,
  )
  return [
    `soak: ${r.requests} requests in ${r.seconds} s, ${r.errors.length} errors, server RSS ${r.rssStartMb.toFixed(0)} → ${r.rssEndMb.toFixed(0)} MB`,
    ...lines,
  ].join('\n')
}
