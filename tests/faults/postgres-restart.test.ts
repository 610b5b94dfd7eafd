import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordFigure } from '../helpers/figures.ts'
import {
  freePort,
  healthyAgain,
  signedIn,
  startServer,
  type ServerProcess,
} from '../helpers/server-process.ts'

// A real restart of PostgreSQL under load. It needs a server of its own, so that restarting it
// disturbs no other suite: a throw-away cluster made with Debian's pg_createcluster on a free port
// (vitest.config.ts runs this file only on the PostgreSQL server run).
const version = readdirSync('/etc/postgresql')[0]!
const cluster = `cxw_restart_${process.pid}`
const pg = (...args: string[]) => execFileSync(args[0]!, args.slice(1), { stdio: 'pipe' }).toString()
let port: number
let server: ServerProcess | undefined

beforeAll(async () => {
  port = await freePort()
  pg('pg_createcluster', version, cluster, '-p', String(port), '--', '--auth=trust')
  pg('pg_ctlcluster', '--skip-systemctl-redirect', version, cluster, 'start')
  pg('psql', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-qc', 'create database cxw')
  server = await startServer({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/cxw`, DEMO: '1' })
}, 240_000)
afterAll(async () => {
  await server?.kill('SIGKILL')
  try {
    pg('pg_dropcluster', version, cluster, '--stop')
  } catch {
    /* already gone */
  }
})

describe('PostgreSQL restarted under load', () => {
  it('answers 503 with a clear message while it restarts, never a 500, and recovers by itself', async () => {
    const api = await signedIn(server!.url, 'analyst@demo.local', 'demo')
    const pid = server!.child.pid
    const replies: { phase: string; status: number; code?: string }[] = []
    let phase: 'before' | 'during' | 'after' = 'before'
    let running = true
    const worker = async () => {
      while (running) {
        const started = phase
        const res = await api('/api/workspaces/demo/segments', { signal: AbortSignal.timeout(4000) }).catch(
          () => null,
        )
        if (!res) continue
        const body: any = await res.json().catch(() => ({}))
        if (phase === started) replies.push({ phase: started, status: res.status, code: body.error?.code })
      }
    }
    const workers = Array.from({ length: 8 }, worker)
    await new Promise((r) => setTimeout(r, 1500))
    phase = 'during'
    pg('pg_ctlcluster', '--skip-systemctl-redirect', version, cluster, 'stop', '-m', 'fast')
    await new Promise((r) => setTimeout(r, 2000))
    pg('pg_ctlcluster', '--skip-systemctl-redirect', version, cluster, 'start')
    await healthyAgain(server!.url)
    await new Promise((r) => setTimeout(r, 1000))
    phase = 'after'
    await new Promise((r) => setTimeout(r, 4000))
    running = false
    await Promise.all(workers)

    expect(replies.filter((r) => r.status === 500)).toEqual([])
    const outage = replies.filter((r) => r.phase === 'during' && r.status !== 200)
    expect(outage.length).toBeGreaterThan(0)
    for (const r of outage) expect(r).toMatchObject({ status: 503, code: 'database_unavailable' })
    const after = replies.filter((r) => r.phase === 'after')
    expect(after.length).toBeGreaterThan(10)
    expect(after.every((r) => r.status === 200)).toBe(true)
    expect(server!.child.pid).toBe(pid)
    expect(server!.child.exitCode).toBeNull()
    recordFigure(
      `fault survived: PostgreSQL restarted under load — ${outage.length} replies 503 meanwhile, ${after.length} replies 200 after, no 500, no server restart`,
    )
  })
})
