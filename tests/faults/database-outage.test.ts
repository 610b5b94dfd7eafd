import { randomBytes } from 'node:crypto'
import { createServer, connect, type Server, type Socket } from 'node:net'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import {
  freePort,
  healthyAgain,
  signedIn,
  startServer,
  type ServerProcess,
} from '../helpers/server-process.ts'
import { recordFigure } from '../helpers/figures.ts'

// Runs against the PostgreSQL server only (vitest.config.ts leaves it out on PGlite, which runs
// inside the server process and has no connection to lose). The server reaches PostgreSQL through
// a TCP relay on loopback; the test cuts every connection and refuses new ones for a while — what
// the server sees while PostgreSQL restarts — without disturbing the other tests' databases.
const target = inject('database')
let relay: { port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }
let server: ServerProcess | undefined
let cleanup: () => Promise<void>

async function startRelay(upstreamPort: number) {
  const port = await freePort()
  const sockets = new Set<Socket>()
  let listener: Server
  const listen = () =>
    new Promise<void>((done) => {
      listener = createServer((client) => {
        const upstream = connect(upstreamPort, '127.0.0.1')
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
          s.on('error', () => s.destroy())
        }
        client.pipe(upstream).pipe(client)
      })
      listener.listen(port, '127.0.0.1', done)
    })
  await listen()
  const stop = () =>
    new Promise<void>((done) => {
      for (const s of sockets) s.destroy()
      listener.close(() => done())
    })
  return { port, cut: stop, restore: listen, close: stop }
}

beforeAll(async () => {
  if (target.kind !== 'server') throw new Error('this file runs against the PostgreSQL server only')
  const name = `${target.template}_outage_${randomBytes(3).toString('hex')}`
  const admin = postgres(target.adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name} template ${target.template}`)
  const upstream = new URL(target.adminUrl)
  relay = await startRelay(Number(upstream.port || 5432))
  const url = new URL(target.adminUrl)
  url.pathname = `/${name}`
  url.port = String(relay.port)
  url.hostname = '127.0.0.1'
  cleanup = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
  server = await startServer({ DATABASE_URL: url.toString(), DEMO: '1' })
}, 240_000)
afterAll(async () => {
  await server?.kill('SIGKILL')
  await relay?.close()
  await cleanup?.()
})

describe('PostgreSQL going away under load', () => {
  it('answers 503 with a clear message meanwhile, never a 500, and recovers by itself', async () => {
    const api = await signedIn(server!.url, 'analyst@demo.local', 'demo')
    const pid = server!.child.pid
    const replies: {
      phase: 'before' | 'during' | 'after'
      status: number
      code?: string
      message?: string
    }[] = []
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
        // A request that straddles a change of phase belongs to neither side.
        if (phase === started)
          replies.push({
            phase: started,
            status: res.status,
            code: body.error?.code,
            message: body.error?.message,
          })
      }
    }
    const workers = Array.from({ length: 8 }, worker)
    await new Promise((r) => setTimeout(r, 1500))
    phase = 'during'
    await relay.cut()
    await new Promise((r) => setTimeout(r, 2500))
    await relay.restore()
    // Recovery by itself: the health check turns up again within a bounded time, with no restart.
    await healthyAgain(server!.url)
    await new Promise((r) => setTimeout(r, 1000))
    phase = 'after'
    await new Promise((r) => setTimeout(r, 4000))
    running = false
    await Promise.all(workers)

    expect(replies.filter((r) => r.status === 500)).toEqual([])
    expect(replies.filter((r) => r.phase === 'before').every((r) => r.status === 200)).toBe(true)
    const outage = replies.filter((r) => r.phase === 'during' && r.status !== 200)
    expect(outage.length).toBeGreaterThan(0)
    for (const r of outage)
      expect(r).toMatchObject({
        status: 503,
        code: 'database_unavailable',
        message: 'The database is unavailable; try again shortly',
      })
    const after = replies.filter((r) => r.phase === 'after')
    expect(after.length).toBeGreaterThan(10)
    expect(after.every((r) => r.status === 200)).toBe(true)
    expect(server!.child.pid).toBe(pid)
    expect(server!.child.exitCode).toBeNull()
    recordFigure(
      `fault survived: PostgreSQL unreachable under load — ${outage.length} replies 503 meanwhile, ${after.length} replies 200 after, no 500, no restart`,
    )
  })
})
