import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'

let ctx: TestContext
let ws: WorkspaceFixture
beforeAll(async () => {
  ctx = await createTestContext()
  ws = await ctx.newWorkspace()
})
afterAll(async () => {
  await ctx?.close()
})

const auditCount = async () =>
  (
    await ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow()
  ).n

/** Sends a bad request and checks the documented 400 and that nothing was written. */
async function refused(
  method: string,
  path: string,
  body: unknown,
  expectedPaths: string[],
  code = 'invalid_input',
) {
  const before = await auditCount()
  const res = await ws.call('admin', method, path, body)
  expect(res.status, JSON.stringify(res.body)).toBe(400)
  expect(res.body.error.code).toBe(code)
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(
    expect.arrayContaining(expectedPaths),
  )
  expect(await auditCount()).toBe(before)
  return res.body.error
}

describe('bad input gets a 400 naming the field, and nothing changes', () => {
  it('names a missing required field', async () => {
    await refused('POST', '/segments', {}, ['body.name'])
  })

  it('refuses an unknown field rather than dropping it', async () => {
    const error = await refused('POST', '/segments', { name: 'S', colour: 'red' }, ['body'])
    expect(error.details[0].message).toMatch(/colour/)
  })

  it('refuses wrong types', async () => {
    await refused('POST', '/segments', { name: 42, yearlyDeals: 'many' }, ['body.name', 'body.yearlyDeals'])
  })

  it('refuses a string of 1 MB', async () => {
    await refused('POST', '/segments', { name: 'x'.repeat(1024 * 1024) }, ['body.name'])
  })

  it('refuses an empty title after trimming', async () => {
    const stage = await ws.stage()
    await refused(
      'POST',
      '/barriers',
      { stageId: stage.id, title: '   ', kind: 'trust', evidenceSource: 'forum', severity: 'low' },
      ['body.title'],
    )
  })

  it('refuses values out of range', async () => {
    const stage = await ws.stage()
    await refused(
      'POST',
      '/barriers',
      {
        stageId: stage.id,
        title: 'B',
        kind: 'trust',
        evidenceSource: 'forum',
        severity: 'low',
        shareAffected: 1.5,
      },
      ['body.shareAffected'],
    )
  })

  it('refuses an unknown enum value', async () => {
    const stage = await ws.stage()
    await refused(
      'POST',
      '/barriers',
      { stageId: stage.id, title: 'B', kind: 'bad', evidenceSource: 'forum', severity: 'low' },
      ['body.kind'],
    )
  })

  it('refuses a baseline plus lift outside (0, 1), pointing at the lift', async () => {
    const rec = await ws.recommendation()
    await refused(
      'POST',
      '/hypotheses',
      {
        recommendationId: rec.id,
        change: 'c',
        expectedOutcome: 'o',
        primaryMetric: 'm',
        baselineRate: 0.9,
        expectedLift: 0.2,
      },
      ['body.expectedLift'],
    )
  })

  it('refuses a maximum duration shorter than the minimum', async () => {
    const h = await ws.hypothesis()
    await refused(
      'POST',
      '/tests',
      { hypothesisId: h.id, name: 'T', plan: { targetDeals: 100, minDurationDays: 30, maxDurationDays: 10 } },
      ['body.plan.maxDurationDays'],
    )
  })

  it('refuses a malformed id in the path and in the query', async () => {
    await refused('GET', '/segments/abc', undefined, ['param.id'])
    await refused('GET', '/segments?limit=0', undefined, ['query.limit'])
    await refused('GET', '/segments?cursor=drop%20table', undefined, ['query.cursor'])
  })

  it('answers malformed JSON with a 400 in the documented shape', async () => {
    const res = await ws.call('admin', 'POST', '/segments', '{"name": ')
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('malformed_json')
  })

  it('refuses invalid UTF-8 bytes', async () => {
    const before = await auditCount()
    const bytes = new Uint8Array([
      0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d,
    ])
    const res = await ws.call('admin', 'POST', '/segments', bytes)
    expect(res.status).toBe(400)
    expect(['malformed_json', 'invalid_input']).toContain(res.body.error.code)
    expect(await auditCount()).toBe(before)
  })

  it('refuses a NUL character, which PostgreSQL cannot store', async () => {
    await refused('POST', '/segments', { name: 'a\u0000b' }, ['body.name'])
  })

  it('answers an unknown parent id with 422 naming the field', async () => {
    const res = await ws.call('admin', 'POST', '/journeys', { segmentId: 999999, name: 'J' })
    expect(res.status).toBe(422)
    expect(res.body.error).toMatchObject({
      code: 'unknown_reference',
      details: [{ path: 'body.segmentId', message: 'unknown segment' }],
    })
  })

  it('answers an unknown object with 404, and an unknown route too', async () => {
    expect((await ws.call('admin', 'GET', '/barriers/999999')).body.error.code).toBe('not_found')
    const route = await ctx.request({}, 'GET', '/api/nothing-here')
    expect(route.status).toBe(404)
    expect(route.body.error.code).toBe('not_found')
  })

  it('answers a body over the limit with 413', async () => {
    const huge = JSON.stringify({ name: 'x', description: 'y'.repeat(11 * 1024 * 1024) })
    const res = await ws.call('admin', 'POST', '/segments', huge)
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('payload_too_large')
  })
})

describe('the OpenAPI document and its reference page', () => {
  it('describes every route with its schemas', async () => {
    const res = await ctx.request({}, 'GET', '/api/openapi.json')
    expect(res.status).toBe(200)
    expect(res.body.openapi).toBe('3.1.0')
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/me',
        '/api/workspaces/{workspace}/segments',
        '/api/workspaces/{workspace}/journeys/{id}',
        '/api/workspaces/{workspace}/barriers',
        '/api/workspaces/{workspace}/hypotheses',
        '/api/workspaces/{workspace}/tests/{id}/start',
        '/api/workspaces/{workspace}/tests/{id}/decision',
        '/api/workspaces/{workspace}/members',
        '/api/workspaces/{workspace}/api-keys',
        '/api/workspaces/{workspace}/audit',
      ]),
    )
    expect(Object.keys(res.body.components.schemas)).toEqual(
      expect.arrayContaining(['CreateBarrier', 'Barrier', 'Hypothesis', 'Test', 'Decision', 'Error']),
    )
  })

  it('serves a readable reference page', async () => {
    const res = await ctx.request({}, 'GET', '/api/docs')
    expect(res.status).toBe(200)
    expect(res.body).toContain('/api/workspaces/{workspace}/barriers')
    expect(res.body).toContain('CreateHypothesis')
  })
})

describe('text that cannot be stored as sent', () => {
  it('refuses a lone surrogate, which would come back as another character', async () => {
    const res = await ws.call('admin', 'POST', '/segments', '{"name": "A\\ud800B"}')
    expect(res.status).toBe(400)
    expect(res.body.error.details[0]).toMatchObject({
      path: 'body.name',
      message: 'must be well-formed Unicode (no lone surrogates)',
    })
    const test = await ws.test()
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    const assign = await ws.call(
      'analyst',
      'POST',
      `/tests/${test.id}/assignments`,
      '{"customerKey": "K\\udfff"}',
    )
    expect(assign.status).toBe(400)
    expect(
      await ctx.db.selectFrom('assignments').select('id').where('test_id', '=', test.id).execute(),
    ).toEqual([])
  })
})

describe('requests as a browser sends them over HTTP', () => {
  it('takes a DELETE without a body, type or length, and refuses a typeless body', async () => {
    const { serve } = await import('@hono/node-server')
    const server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((r) => server.once('listening', r))
    const { port } = server.address() as { port: number }
    try {
      const segment = await ws.segment()
      const cookie = `cxw_session=${ws.members.admin.cookie}`
      const removed = await fetch(
        `http://127.0.0.1:${port}/api/workspaces/${ws.slug}/segments/${segment.id}`,
        { method: 'DELETE', headers: { cookie } },
      )
      expect(removed.status).toBe(204)
      const typeless = await fetch(`http://127.0.0.1:${port}/api/workspaces/${ws.slug}/segments`, {
        method: 'POST',
        headers: { cookie },
        body: new Blob(['{"name":"x"}']),
      })
      expect(typeless.status).toBe(415)
    } finally {
      await new Promise((r) => server.close(r))
    }
  })
})

describe('ids are written one way', () => {
  it('refuses an id in a query filter that is not plain digits, and an id in a body sent as text', async () => {
    const ws = await ctx.newWorkspace()
    const h = await ws.hypothesis()
    for (const filter of ['1e0', '0x2', '%202', '2.0', '-1']) {
      const res = await ws.call('analyst', 'GET', `/tests?hypothesis=${filter}`)
      expect(res.status, filter).toBe(400)
      expect(res.body.error.details[0].path).toBe('query.hypothesis')
    }
    expect((await ws.call('analyst', 'GET', `/tests?hypothesis=${h.id}`)).status).toBe(200)
    const asText = await ws.call('analyst', 'POST', '/tests', { hypothesisId: String(h.id), name: 'x' })
    expect(asText.status).toBe(400)
    expect(asText.body.error.details[0].path).toBe('body.hypothesisId')
  })
})
