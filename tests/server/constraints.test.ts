import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

/** A started test with one assigned customer, made through the API, for the raw-SQL checks below. */
async function runningTestWithCustomer() {
  const ws = await ctx.newWorkspace()
  const test = await ws.test()
  expect((await ws.call('analyst', 'POST', `/tests/${test.id}/start`)).status).toBe(200)
  await ctx.db
    .insertInto('assignments')
    .values({ test_id: test.id, customer_key: 'CRM-1', group: 'control' })
    .execute()
  return { ws, test }
}

const sqlState = async (promise: Promise<unknown>) => {
  try {
    await promise
    return 'no error'
  } catch (err) {
    return String((err as { code?: string }).code)
  }
}

describe('the schema itself refuses what the API would', () => {
  it('applies every migration and records it', async () => {
    const rows = await ctx.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute()
    expect(rows.map((r) => (r as { name: string }).name)).toEqual([
      '0001_create_pipeline',
      '0002_experiment_engine',
      '0003_accounts_and_throttling',
      '0004_test_lifecycle',
      '0005_close_out',
    ])
  })

  it('refuses a second assignment of the same customer to the same test', async () => {
    const { test } = await runningTestWithCustomer()
    const again = ctx.db
      .insertInto('assignments')
      .values({ test_id: test.id, customer_key: 'CRM-1', group: 'treatment' })
      .execute()
    expect(await sqlState(again)).toBe('23505')
  })

  it('refuses a second deal with the same external id in the same test', async () => {
    const { test } = await runningTestWithCustomer()
    const deal = {
      test_id: test.id,
      external_id: 'D-1',
      customer_key: 'CRM-1',
      group: 'control' as const,
      closed_at: new Date(),
      converted: true,
    }
    await ctx.db.insertInto('deals').values(deal).execute()
    expect(await sqlState(ctx.db.insertInto('deals').values(deal).execute())).toBe('23505')
  })

  it('refuses a deal for a customer never assigned', async () => {
    const { test } = await runningTestWithCustomer()
    const deal = {
      test_id: test.id,
      external_id: 'D-2',
      customer_key: 'CRM-404',
      group: 'control' as const,
      closed_at: new Date(),
      converted: false,
    }
    expect(await sqlState(ctx.db.insertInto('deals').values(deal).execute())).toBe('23503')
  })

  it('refuses an unknown enum value', async () => {
    const ws = await ctx.newWorkspace()
    const stage = await ws.stage()
    const bad = ctx.db
      .insertInto('barriers')
      .values({
        workspace_id: ws.id,
        stage_id: stage.id,
        title: 'x',
        kind: 'bad_kind' as never,
        evidence_source: 'interview',
        severity: 'high',
      })
      .execute()
    expect(await sqlState(bad)).toBe('23514')
  })

  it('refuses a negative share of customers affected', async () => {
    const ws = await ctx.newWorkspace()
    const stage = await ws.stage()
    const bad = ctx.db
      .insertInto('barriers')
      .values({
        workspace_id: ws.id,
        stage_id: stage.id,
        title: 'x',
        kind: 'trust',
        evidence_source: 'interview',
        severity: 'high',
        share_affected: -0.1,
      })
      .execute()
    expect(await sqlState(bad)).toBe('23514')
  })

  it('refuses a control share outside (0, 1)', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test()
    expect(
      await sqlState(
        ctx.db.updateTable('tests').set({ control_share: 1 }).where('id', '=', test.id).execute(),
      ),
    ).toBe('23514')
  })

  it('refuses a hypothesis whose baseline plus lift leaves (0, 1)', async () => {
    const ws = await ctx.newWorkspace()
    const h = await ws.hypothesis()
    expect(
      await sqlState(
        ctx.db
          .updateTable('hypotheses')
          .set({ baseline_rate: 0.9, expected_lift: 0.2 })
          .where('id', '=', h.id)
          .execute(),
      ),
    ).toBe('23514')
  })

  it('keeps the audit log append-only: updates and deletes are refused by a trigger', async () => {
    const ws = await ctx.newWorkspace()
    await ws.segment()
    const entry = await ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow()
    expect(
      await sqlState(
        ctx.db.updateTable('audit_log').set({ action: 'forged' }).where('id', '=', entry.id).execute(),
      ),
    ).toBe('P0001')
    expect(await sqlState(ctx.db.deleteFrom('audit_log').where('id', '=', entry.id).execute())).toBe('P0001')
    const still = await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('id', '=', entry.id)
      .executeTakeFirstOrThrow()
    expect(still.action).toBe('segment.created')
  })

  it('indexes deals by (test_id, group) with converted and revenue included', async () => {
    const { rows } = await sql<{
      indexdef: string
    }>`select indexdef from pg_indexes where indexname = 'deals_test_group_idx'`.execute(ctx.db)
    expect(rows[0]?.indexdef).toMatch(/\(test_id, "group"\) INCLUDE \(converted, revenue\)/)
  })
})
