import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import { serveApp, type Served } from './helpers.ts'

let ctx: TestContext
let served: Served
let ws: WorkspaceFixture
beforeAll(async () => {
  ctx = await createTestContext()
  served = await serveApp(ctx.app)
  ws = await ctx.newWorkspace()
})
afterAll(async () => {
  await served?.close()
  await ctx?.close()
})

const MB = 1024 * 1024

/**
 * POSTs `size` bytes of CSV-looking text, made as it is sent from one reused chunk, and returns the
 * status with the most the process's resident memory grew meanwhile (server and client are this
 * process).
 */
async function streamPost(
  path: string,
  size: number,
  headers: Record<string, string>,
  { declareLength = true } = {},
): Promise<{ status: number; grewMb: number; ms: number }> {
  global.gc?.()
  const base = process.memoryUsage().rss
  let peak = base
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
  const started = performance.now()
  const chunk = Buffer.from('customerKey\n' + 'c-1234567\n'.repeat(MB / 10)).subarray(0, MB)
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${served.url}${path}`, {
        method: 'POST',
        agent: false,
        headers: { ...headers, ...(declareLength ? { 'content-length': String(size) } : {}) },
      })
      req.on('response', (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
        req.destroy()
      })
      // The server may close the connection while the body is still being sent.
      req.on('error', (err: NodeJS.ErrnoException) =>
        ['EPIPE', 'ECONNRESET'].includes(err.code ?? '') ? undefined : reject(err),
      )
      let sent = 0
      const write = () => {
        while (sent < size && !req.destroyed) {
          const part = chunk.subarray(0, Math.min(chunk.length, size - sent))
          sent += part.length
          if (!req.write(part)) return void req.once('drain', write)
        }
        if (!req.destroyed) req.end()
      }
      write()
    })
    return { status, grewMb: (peak - base) / MB, ms: performance.now() - started }
  } finally {
    clearInterval(sampler)
  }
}

/** A started test of the workspace, with no one assigned yet. */
async function startedTest(): Promise<number> {
  const test = await ws.test()
  const started = await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
  expect(started.status).toBe(200)
  return test.id
}

const assignedCount = async (testId: number) =>
  Number(
    (
      await ctx.db
        .selectFrom('assignments')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('test_id', '=', testId)
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('request bodies', () => {
  it('answers an anonymous 200 MB CSV upload with 401 before reading it', async () => {
    const path = `/api/workspaces/${ws.slug}/tests/1/assignments/csv`
    const res = await streamPost(path, 200 * MB, { 'content-type': 'text/csv' })
    expect(res.status).toBe(401)
    expect(res.grewMb, `resident memory grew by ${res.grewMb.toFixed(0)} MB`).toBeLessThan(50)
    const chunked = await streamPost(path, 200 * MB, { 'content-type': 'text/csv' }, { declareLength: false })
    expect(chunked.status).toBe(401)
    expect(chunked.grewMb, `resident memory grew by ${chunked.grewMb.toFixed(0)} MB`).toBeLessThan(50)
  })

  it('refuses CSV on any route that does not take it (415), before reading it', async () => {
    const login = await streamPost('/api/auth/login', 200 * MB, { 'content-type': 'text/csv' })
    expect(login.status).toBe(415)
    expect(login.grewMb).toBeLessThan(50)
    const segments = await streamPost(`/api/workspaces/${ws.slug}/segments`, 200 * MB, {
      'content-type': 'text/csv',
      cookie: `cxw_session=${ws.members.admin.cookie}`,
    })
    expect(segments.status).toBe(415)
    expect(segments.grewMb).toBeLessThan(50)
  })

  it('refuses a JSON body declared over 10 MB with 413, before reading it', async () => {
    const res = await streamPost(`/api/workspaces/${ws.slug}/segments`, 200 * MB, {
      'content-type': 'application/json',
      cookie: `cxw_session=${ws.members.admin.cookie}`,
    })
    expect(res.status).toBe(413)
    expect(res.grewMb).toBeLessThan(50)
  })

  it('streams an accepted upload: a 200 MB customer list is refused at its 100,001st line, the rest unread', async () => {
    const test = await startedTest()
    const res = await streamPost(`/api/workspaces/${ws.slug}/tests/${test}/assignments/csv`, 200 * MB, {
      'content-type': 'text/csv',
      cookie: `cxw_session=${ws.members.analyst.cookie}`,
    })
    expect(res.status).toBe(413)
    expect(res.grewMb, `resident memory grew by ${res.grewMb.toFixed(0)} MB`).toBeLessThan(100)
    expect(await assignedCount(test)).toBe(0)
  })

  it('counts a chunked CSV upload against its limit as it arrives: 413 past 256 MB, memory bounded', async () => {
    const test = await startedTest()
    const res = await streamPost(
      `/api/workspaces/${ws.slug}/tests/${test}/deals/csv`,
      257 * MB,
      { 'content-type': 'text/csv', cookie: `cxw_session=${ws.members.analyst.cookie}` },
      { declareLength: false },
    )
    expect(res.status).toBe(413)
    expect(res.grewMb, `resident memory grew by ${res.grewMb.toFixed(0)} MB`).toBeLessThan(100)
  })

  it('refuses a CSV upload that is not UTF-8 (400) and one sent as JSON (415), writing nothing', async () => {
    const test = await startedTest()
    const post = (path: string, type: string, body: BodyInit) =>
      fetch(`${served.url}/api/workspaces/${ws.slug}/tests/${test}/${path}`, {
        method: 'POST',
        headers: { 'content-type': type, cookie: `cxw_session=${ws.members.analyst.cookie}` },
        body,
      })
    // "Москва" in windows-1251 after a valid first line: the bad bytes arrive mid-file
    const cp1251 = new Blob([
      Buffer.concat([Buffer.from('customerKey\nc-1\n'), Buffer.from([0xcc, 0xee, 0xf1, 0xea, 0xe2, 0xe0])]),
    ])
    for (const path of ['assignments/csv', 'deals/csv']) {
      const bad = await post(path, 'text/csv', cp1251)
      expect(bad.status).toBe(400)
      expect((await bad.json()).error.message).toMatch(/UTF-8/)
      const json = await post(path, 'application/json', JSON.stringify([{ customerKey: 'c-1' }]))
      expect(json.status).toBe(415)
      expect((await json.json()).error.code).toBe('unsupported_media_type')
    }
    expect(await assignedCount(test)).toBe(0)
  })

  it('answers 404 for a workspace that is not the caller’s before reading a CSV upload', async () => {
    const other = await ctx.newWorkspace()
    const res = await streamPost(`/api/workspaces/${other.slug}/tests/1/deals/csv`, 200 * MB, {
      'content-type': 'text/csv',
      cookie: `cxw_session=${ws.members.admin.cookie}`,
    })
    expect(res.status).toBe(404)
    expect(res.grewMb).toBeLessThan(50)
  })
})
