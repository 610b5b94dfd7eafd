import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { signedIn, startServer, type ServerProcess } from '../helpers/server-process.ts'
import { recordFigure } from '../helpers/figures.ts'

// The real server as its own process on a database of the kind under test (a clone of the
// migrated template on the PostgreSQL server, or a PGlite data folder), killed with SIGKILL in the
// middle of writing deals, then started again on the same data.
const target = inject('database')
let env: Record<string, string>
let cleanup: () => Promise<void>
let server: ServerProcess | undefined

beforeAll(async () => {
  if (target.kind === 'server') {
    const name = `${target.template}_kill_${randomBytes(3).toString('hex')}`
    const admin = postgres(target.adminUrl, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database ${name} template ${target.template}`)
    const url = new URL(target.adminUrl)
    url.pathname = `/${name}`
    env = { DATABASE_URL: url.toString() }
    cleanup = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'cxw-kill-'))
    env = { DATA_DIR: dir }
    cleanup = async () => rmSync(dir, { recursive: true, force: true })
  }
  server = await startServer({ ...env, DEMO: '1' })
}, 240_000)
afterAll(async () => {
  await server?.kill('SIGKILL')
  await cleanup?.()
})

const N = 100_000

async function totalDeals(api: Awaited<ReturnType<typeof signedIn>>, testId: number) {
  const res = await api(`/api/workspaces/demo/tests/${testId}/results`)
  const body: any = await res.json()
  return body.progress.deals.total as number
}

describe('deals survive a killed server: a batch is there whole or not at all, and resending completes it once', () => {
  it('holds for a CSV import of 100,000 deals and for a JSON batch of 10,000', async () => {
    let api = await signedIn(server!.url, 'analyst@demo.local', 'demo')
    const hypotheses: any = await (await api('/api/workspaces/demo/hypotheses?status=ready')).json()
    const created = await api('/api/workspaces/demo/tests', {
      method: 'POST',
      body: JSON.stringify({
        hypothesisId: hypotheses.items[0].id,
        name: 'Kill test',
        plan: { targetDeals: 10_000_000 },
      }),
    })
    const test: any = await created.json()
    expect((await api(`/api/workspaces/demo/tests/${test.id}/start`, { method: 'POST' })).status).toBe(200)
    for (let b = 0; b < N / 10_000; b++) {
      const customers = Array.from({ length: 10_000 }, (_, i) => ({ customerKey: `K${b * 10_000 + i}` }))
      const res = await api(`/api/workspaces/demo/tests/${test.id}/assignments`, {
        method: 'POST',
        body: JSON.stringify({ customers }),
      })
      expect(res.status).toBe(200)
      await res.arrayBuffer()
    }
    const closed = new Date().toISOString()
    const csv =
      'externalId,customerKey,closedAt,converted,revenue\n' +
      Array.from(
        { length: N },
        (_, i) => `D${i},K${i},${closed},${i % 7 === 0 ? 1 : 0},${i % 7 === 0 ? '1234.5' : ''}`,
      ).join('\n')
    const json = JSON.stringify(
      Array.from({ length: 10_000 }, (_, i) => ({
        externalId: `J${i}`,
        customerKey: `K${i}`,
        closedAt: closed,
        converted: i % 3 === 0,
      })),
    )

    for (const [label, path, body, type, size] of [
      ['CSV', `/api/workspaces/demo/tests/${test.id}/deals/csv`, csv, 'text/csv', N],
      ['JSON', `/api/workspaces/demo/tests/${test.id}/deals`, json, 'application/json', 10_000],
    ] as const) {
      const before = await totalDeals(api, test.id)
      const pending = api(path, { method: 'POST', body, type }).then(
        (r) => r.status,
        (err: Error) => err,
      )
      await new Promise((r) => setTimeout(r, label === 'CSV' ? 700 : 150))
      await server!.kill('SIGKILL')
      const outcome = await pending
      expect(outcome, `${label}: the reply must not have arrived before the kill`).toBeInstanceOf(Error)

      server = await startServer(env)
      api = await signedIn(server.url, 'analyst@demo.local', 'demo')
      const after = await totalDeals(api, test.id)
      expect([before, before + size], `${label}: whole or nothing`).toContain(after)

      const resent = await api(path, { method: 'POST', body, type })
      expect(resent.status).toBe(200)
      const result: any = await resent.json()
      expect(result.inserted + result.unchanged).toBe(size)
      expect(await totalDeals(api, test.id)).toBe(before + size)
      const again = await (await api(path, { method: 'POST', body, type })).json()
      expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: size })
      recordFigure(
        `fault survived: kill -9 during a ${label} batch of ${size.toLocaleString('en')} deals — found ${after === before ? 'none' : 'all'} of it after restart; resent, written exactly once`,
      )
    }
  }, 240_000)
})
