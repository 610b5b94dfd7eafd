import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext, type WorkspaceFixture } from '../helpers/context.ts'
import { expectErrorShape } from '../trust/world.ts'

// Every change is on the record: one audit entry for each batch of deals that wrote something,
// by whoever sent it, and none for a batch that wrote nothing; one for each API key revoked.

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

const auditSince = (ws: WorkspaceFixture, after: number) =>
  ctx.db
    .selectFrom('audit_log')
    .select(['id', 'action', 'subject_type', 'subject_id', 'actor_user_id', 'actor_api_key_id', 'after'])
    .where('workspace_id', '=', ws.id)
    .where('id', '>', after)
    .orderBy('id')
    .execute()
const mark = async (ws: WorkspaceFixture) => (await auditSince(ws, 0)).at(-1)?.id ?? 0

async function runningTest() {
  const ws = await ctx.newWorkspace()
  const test = await ws.test({ plan: { targetDeals: 1000 } })
  expect((await ws.call('analyst', 'POST', `/tests/${test.id}/start`)).status).toBe(200)
  const customers = Array.from({ length: 10 }, (_, i) => ({ customerKey: `C-${i}` }))
  expect((await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customers })).status).toBe(200)
  const key = await ws.call('admin', 'POST', '/api-keys', { name: 'CRM' })
  return { ws, test, key: { id: key.body.id as number, bearer: key.body.key as string } }
}

const deal = (i: number, converted = true) => ({
  externalId: `D-${i}`,
  customerKey: `C-${i}`,
  closedAt: ctx.now().toISOString(),
  converted,
})

describe('deals.ingested', () => {
  it('is written once for each batch that wrote deals, with its counts and its sender', async () => {
    const { ws, test, key } = await runningTest()
    const csv = (rows: string) =>
      ctx.request(
        { bearer: key.bearer },
        'POST',
        `/api/workspaces/${ws.slug}/tests/${test.id}/deals/csv`,
        `externalId,customerKey,closedAt,converted\n${rows}`,
        { 'content-type': 'text/csv' },
      )
    const batches: [string, () => Promise<{ status: number }>, object, object][] = [
      [
        'new deals by a person',
        () => ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [deal(0), deal(1)]),
        { actor_user_id: ws.members.analyst.id, actor_api_key_id: null },
        { received: 2, inserted: 2, updated: 0, unchanged: 0, refused: 0, mode: 'strict' },
      ],
      [
        'a change and a re-send by the API key',
        () => ws.call({ bearer: key.bearer }, 'POST', `/tests/${test.id}/deals`, [deal(0, false), deal(1)]),
        { actor_user_id: null, actor_api_key_id: key.id },
        { received: 2, inserted: 0, updated: 1, unchanged: 1, refused: 0, mode: 'strict' },
      ],
      [
        'a CSV file',
        () => csv(`D-2,C-2,${ctx.now().toISOString()},true\n`),
        { actor_user_id: null, actor_api_key_id: key.id },
        { received: 1, inserted: 1, updated: 0, unchanged: 0, refused: 0, mode: 'strict' },
      ],
      [
        'a partial batch with a refused row',
        () =>
          ws.call('admin', 'POST', `/tests/${test.id}/deals?mode=partial`, [
            deal(3),
            { ...deal(4), customerKey: 'never-assigned' },
          ]),
        { actor_user_id: ws.members.admin.id, actor_api_key_id: null },
        { received: 2, inserted: 1, updated: 0, unchanged: 0, refused: 1, mode: 'partial' },
      ],
    ]
    for (const [what, send, actor, counts] of batches) {
      const from = await mark(ws)
      const res = await send()
      expect(res.status, what).toBe(200)
      const entries = await auditSince(ws, from)
      const ingested = entries.filter((e) => e.action === 'deals.ingested')
      expect(ingested, what).toHaveLength(1)
      expect(ingested[0], what).toMatchObject({ subject_type: 'test', subject_id: test.id, ...actor })
      expect(ingested[0]!.after, what).toMatchObject(counts)
    }
  })

  it('is not written for a batch that wrote nothing', async () => {
    const { ws, test } = await runningTest()
    expect((await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [deal(0)])).status).toBe(200)
    const from = await mark(ws)
    const sends: [string, () => Promise<{ status: number; body: any; headers: Headers }>, number][] = [
      [
        'a re-send of the same deal',
        () => ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [deal(0)]),
        200,
      ],
      [
        'a strict batch with a refused row',
        () =>
          ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [
            deal(1),
            { ...deal(2), customerKey: 'never-assigned' },
          ]),
        422,
      ],
      [
        'a partial batch whose every row is refused',
        () =>
          ws.call('analyst', 'POST', `/tests/${test.id}/deals?mode=partial`, [
            { ...deal(3), customerKey: 'never-assigned' },
          ]),
        200,
      ],
    ]
    for (const [what, send, status] of sends) {
      const res = await send()
      expect(res.status, what).toBe(status)
      if (status >= 400) expectErrorShape(res)
      expect(await auditSince(ws, from), what).toEqual([])
    }
  })
})

describe('api_key.revoked', () => {
  it('is written once when an admin revokes a key, and the key stops working', async () => {
    const { ws, test, key } = await runningTest()
    expect((await ws.call({ bearer: key.bearer }, 'POST', `/tests/${test.id}/deals`, [deal(0)])).status).toBe(
      200,
    )
    const from = await mark(ws)
    const res = await ws.call('admin', 'DELETE', `/api-keys/${key.id}`)
    expect(res.status).toBe(204)
    const entries = await auditSince(ws, from)
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'api_key.revoked',
        subject_type: 'api_key',
        subject_id: key.id,
        actor_user_id: ws.members.admin.id,
      }),
    ])
    const refused = await ws.call({ bearer: key.bearer }, 'POST', `/tests/${test.id}/deals`, [deal(1)])
    expect(refused.status).toBe(401)
    const listed = await ws.call('admin', 'GET', '/api-keys')
    expect(listed.body.items.find((k: { id: number }) => k.id === key.id).revokedAt).toBe(
      ctx.now().toISOString(),
    )
  })

  it('is not written again for a key already revoked, nor for one that does not exist', async () => {
    const { ws, key } = await runningTest()
    expect((await ws.call('admin', 'DELETE', `/api-keys/${key.id}`)).status).toBe(204)
    const from = await mark(ws)
    for (const id of [key.id, key.id + 100_000]) {
      const again = await ws.call('admin', 'DELETE', `/api-keys/${id}`)
      expect(again.status).toBe(404)
      expectErrorShape(again)
    }
    expect(await auditSince(ws, from)).toEqual([])
  })

  it('leaves the other keys working', async () => {
    const { ws, test, key } = await runningTest()
    const other = await ws.call('admin', 'POST', '/api-keys', { name: 'Email tool' })
    expect((await ws.call('admin', 'DELETE', `/api-keys/${key.id}`)).status).toBe(204)
    const res = await ws.call({ bearer: other.body.key }, 'POST', `/tests/${test.id}/deals`, [deal(0)])
    expect(res.status).toBe(200)
  })
})
