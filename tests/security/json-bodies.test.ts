import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import { countRows, expectErrorShape } from '../trust/world.ts'

let ctx: TestContext
let ws: WorkspaceFixture
beforeAll(async () => {
  ctx = await createTestContext()
  ws = await ctx.newWorkspace()
})
afterAll(async () => {
  await ctx?.close()
})

const TABLES = ['segments', 'deals', 'audit_log', 'assignments']

/** Sends raw JSON text and expects a 400 in the documented shape that changed nothing. */
async function refusedRaw(path: string, text: string, method = 'POST') {
  const before = await countRows(ctx.db, TABLES)
  const res = await ws.call('admin', method, path, text)
  expect(res.status, JSON.stringify(res.body)?.slice(0, 300)).toBe(400)
  expectErrorShape(res)
  expect(await countRows(ctx.db, TABLES)).toEqual(before)
  return res.body.error
}

describe('JSON bodies PostgreSQL cannot hold, or that would exhaust the stack', () => {
  it('refuses NUL in an object key of a segment portrait with 400, not 500', async () => {
    const error = await refusedRaw('/segments', '{"name":"S","portrait":{"a\\u0000b":"x"}}')
    expect(error.message).toMatch(/NUL/)
  })

  it('refuses NUL in a value or a key of deal attributes with 400, not 500', async () => {
    const test = await ws.test()
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customerKey: 'c-1' })
    const deal = (attributes: string) =>
      `{"externalId":"d-1","customerKey":"c-1","closedAt":"${ctx.now().toISOString()}","converted":true,"attributes":${attributes}}`
    await refusedRaw(`/tests/${test.id}/deals`, deal('{"colour":"re\\u0000d"}'))
    await refusedRaw(`/tests/${test.id}/deals`, deal('{"\\u0000":"red"}'))
    await refusedRaw(`/tests/${test.id}/deals`, `[${deal('{"nested":{"deeper":["\\u0000"]}}')}]`)
  })

  it('takes an escaped backslash before u0000, which is no NUL', async () => {
    const res = await ws.call('admin', 'POST', '/segments', '{"name":"S","portrait":{"path":"C:\\\\u0000"}}')
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.portrait).toEqual({ path: 'C:\\u0000' })
  })

  it('refuses attributes nested 500,000 deep with 400, not 500', async () => {
    const test = await ws.test()
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    const depth = 500_000
    const nested = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
    const error = await refusedRaw(
      `/tests/${test.id}/deals`,
      `{"externalId":"d-1","customerKey":"c-1","closedAt":"2026-11-20","converted":true,"attributes":${nested}}`,
    )
    expect(error.message).toMatch(/deep/)
    await refusedRaw('/segments', `{"name":"S","portrait":${'['.repeat(depth)}${']'.repeat(depth)}}`)
  })

  it('takes nesting up to 32 levels and refuses 33', async () => {
    const at = (levels: number) => '['.repeat(levels - 1) + ']'.repeat(levels - 1)
    // The body object is level 1; the portrait's value adds the rest (refused by the schema, not the depth check).
    const ok = await ws.call('admin', 'POST', '/segments', `{"name":"S","portrait":{"k":${at(31)}}}`)
    expect(ok.status).toBe(400)
    expect(ok.body.error.message).not.toMatch(/deep/)
    const deep = await ws.call('admin', 'POST', '/segments', `{"name":"S","portrait":{"k":${at(32)}}}`)
    expect(deep.status).toBe(400)
    expect(deep.body.error.message).toMatch(/deep/)
  })
})
