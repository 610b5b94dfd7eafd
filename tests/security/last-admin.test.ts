import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

async function twoAdmins() {
  const ws = await ctx.newWorkspace()
  const second = await ctx.newUser('second-admin')
  await ctx.db
    .insertInto('memberships')
    .values({ workspace_id: ws.id, user_id: second.id, role: 'admin' })
    .execute()
  return { ws, first: ws.members.admin, second }
}

const admins = async (workspaceId: number) =>
  (
    await ctx.db
      .selectFrom('memberships')
      .select('user_id')
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', 'admin')
      .execute()
  ).length

describe('the last admin', () => {
  it('survives two admins demoting each other at the same moment, 20 rounds in a row', async () => {
    const outcomes: string[] = []
    for (let round = 0; round < 20; round++) {
      const { ws, first, second } = await twoAdmins()
      const [a, b] = await Promise.all([
        ws.call({ cookie: first.cookie }, 'PATCH', `/members/${second.id}`, { role: 'analyst' }),
        ws.call({ cookie: second.cookie }, 'PATCH', `/members/${first.id}`, { role: 'analyst' }),
      ])
      outcomes.push(`${a.status}/${b.status}`)
      // The loser is refused by the rule (422), or, once the winner committed, as no longer an admin (403).
      expect(
        [a.status, b.status].filter((s) => s === 204),
        `round ${round}: ${outcomes.at(-1)}`,
      ).toHaveLength(1)
      expect([a.status, b.status].filter((s) => s !== 204 && s !== 422 && s !== 403)).toEqual([])
      expect(await admins(ws.id)).toBe(1)
    }
    expect(outcomes).toHaveLength(20)
  })

  it('survives an admin removing the other while being demoted, 20 rounds in a row', async () => {
    for (let round = 0; round < 20; round++) {
      const { ws, first, second } = await twoAdmins()
      const [a, b] = await Promise.all([
        ws.call({ cookie: first.cookie }, 'DELETE', `/members/${second.id}`),
        ws.call({ cookie: second.cookie }, 'PATCH', `/members/${first.id}`, { role: 'leader' }),
      ])
      expect(
        [a.status, b.status].filter((s) => s === 204),
        `round ${round}: ${a.status}/${b.status}`,
      ).toHaveLength(1)
      expect(await admins(ws.id)).toBe(1)
    }
  })
})
