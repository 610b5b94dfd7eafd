import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import { expectErrorShape } from '../trust/world.ts'

// A customer list with no customers is held to the rules a list with customers is held to: the
// test must be the workspace's own, and running.

let ctx: TestContext
let ws: WorkspaceFixture
let other: WorkspaceFixture
beforeAll(async () => {
  ctx = await createTestContext()
  ws = await ctx.newWorkspace()
  other = await ctx.newWorkspace()
})
afterAll(async () => {
  await ctx?.close()
})

const upload = (testId: number, csv: string) =>
  ctx.request(
    { cookie: ws.members.analyst.cookie },
    'POST',
    `/api/workspaces/${ws.slug}/tests/${testId}/assignments/csv`,
    csv,
    { 'content-type': 'text/csv' },
  )

describe('an uploaded customer list', () => {
  it('is refused for a test of another workspace or none, empty or not', async () => {
    const theirs = await other.test()
    expect((await other.call('admin', 'POST', `/tests/${theirs.id}/start`)).status).toBe(200)
    for (const id of [theirs.id, 2_000_000_000]) {
      for (const csv of ['customerKey\nc-1\n', 'customerKey\n', 'customerKey']) {
        const res = await upload(id, csv)
        expect(res.status, `${id} ${JSON.stringify(csv)}: ${JSON.stringify(res.body)}`).toBe(404)
        expectErrorShape(res)
      }
    }
  })

  it('is refused for a test that is not running, empty or not', async () => {
    const draft = await ws.test()
    for (const csv of ['customerKey\nc-1\n', 'customerKey\n']) {
      const res = await upload(draft.id, csv)
      expect(res.status, `${JSON.stringify(csv)}: ${JSON.stringify(res.body)}`).toBe(409)
      expectErrorShape(res)
    }
  })
})
