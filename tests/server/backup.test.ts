import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connection.ts'
import { createApp } from '../../server/app.ts'
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/seed.ts'
import { exportWorkspace, importWorkspace } from '../../server/services/backup.ts'
import { createTestContext, type TestContext } from '../helpers/context.ts'
import { openTestDatabase } from '../helpers/database.ts'

let ctx: TestContext
let second: Database
beforeAll(async () => {
  ctx = await createTestContext()
  await seedDemo(ctx.db, ctx.now())
  second = await openTestDatabase()
})
afterAll(async () => {
  await second?.close()
  await ctx?.close()
})

describe('workspace export and import', () => {
  it('round-trips a whole workspace exactly: pipeline, tests, assignments, deals, decisions, audit', async () => {
    const exported = await exportWorkspace(ctx.db, 'demo')
    for (const table of [
      'segments',
      'stages',
      'barriers',
      'hypotheses',
      'tests',
      'assignments',
      'deals',
      'arm_totals',
      'decisions',
      'audit_log',
    ]) {
      expect(exported.tables[table]!.length, table).toBeGreaterThan(0)
    }
    const json = JSON.parse(JSON.stringify(exported))
    const imported = await importWorkspace(second.db, json)
    expect(imported.slug).toBe('demo')
    const again = await exportWorkspace(second.db, 'demo')
    expect(again).toEqual(exported)
  })

  it('lets the restored members sign in, and keeps working after the restore', async () => {
    const app = createApp({ db: second.db, clock: () => ctx.now(), sessionTtlHours: 1 })
    const login = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'leader@demo.local', password: DEMO_PASSWORD }),
    })
    expect(login.status).toBe(200)
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const before = await second.db
      .selectFrom('segments')
      .select((eb) => eb.fn.max('id').as('m'))
      .executeTakeFirstOrThrow()
    const created = await app.request('/api/workspaces/demo/comments', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        subjectType: 'test',
        subjectId: (await second.db.selectFrom('tests').select('id').executeTakeFirstOrThrow()).id,
        body: 'Restored and commenting',
      }),
    })
    expect(created.status).toBe(201)
    const segment = await second.db
      .insertInto('segments')
      .values({
        workspace_id: (await second.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id,
        name: 'After restore',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    expect(segment.id).toBe(Number(before.m) + 1)
  })

  it('refuses to import over an existing workspace, changing nothing', async () => {
    const exported = await exportWorkspace(ctx.db, 'demo-ru')
    await expect(importWorkspace(ctx.db, JSON.parse(JSON.stringify(exported)))).rejects.toMatchObject({
      status: 409,
      code: 'duplicate',
    })
  })

  it('refuses a file that is not an export', async () => {
    await expect(importWorkspace(second.db, { hello: 'world' } as never)).rejects.toMatchObject({
      status: 400,
    })
  })
})
