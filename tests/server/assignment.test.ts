import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashGroup, permutedBlock } from '../../server/services/assignment.ts'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

async function runningTest(plan: Record<string, unknown> = {}) {
  const ws = await ctx.newWorkspace()
  const test = await ws.test({ plan: { targetDeals: 100000, ...plan } })
  expect((await ws.call('analyst', 'POST', `/tests/${test.id}/start`)).status).toBe(200)
  return { ws, test }
}

describe('assigning customers to control and treatment', () => {
  it('gives the same customer the same group on every call, and says whether it was new', async () => {
    const { ws, test } = await runningTest()
    const first = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, {
      customerKey: 'CRM-000123',
    })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ customerKey: 'CRM-000123', stratum: null, created: true })
    const again = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, {
      customerKey: 'CRM-000123',
    })
    expect(again.body).toMatchObject({
      group: first.body.group,
      created: false,
      assignedAt: first.body.assignedAt,
    })
  })

  it('keeps 10,000 keys in their groups across calls, with the split within its binomial bounds', async () => {
    const { ws, test } = await runningTest({ controlShare: 0.2 })
    const customers = Array.from({ length: 10_000 }, (_, i) => ({ customerKey: `K-${i}` }))
    const first = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customers })
    expect(first.status).toBe(200)
    const second = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customers })
    expect(second.body.items.map((a: { group: string }) => a.group)).toEqual(
      first.body.items.map((a: { group: string }) => a.group),
    )
    expect(second.body.items.every((a: { created: boolean }) => !a.created)).toBe(true)
    const controls = first.body.items.filter((a: { group: string }) => a.group === 'control').length
    // Binomial(10000, 0.2): mean 2000, sd 40; ±5 sd
    expect(controls).toBeGreaterThan(1800)
    expect(controls).toBeLessThan(2200)
  })

  it('computes in the database the same group as hashGroup, for any key', async () => {
    const { ws, test } = await runningTest({ controlShare: 0.37 })
    const keys = [
      'CRM-1',
      'Иванов И.И.',
      'a"b\\c',
      'emoji 🚗',
      ' spaced ',
      'x'.repeat(200),
      ...Array.from({ length: 500 }, (_, i) => `K${i * 7919}`),
    ]
    const res = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, {
      customers: keys.map((customerKey) => ({ customerKey })),
    })
    const { salt } = await ctx.db
      .selectFrom('tests')
      .select('salt')
      .where('id', '=', test.id)
      .executeTakeFirstOrThrow()
    for (const a of res.body.items) expect(a.group, a.customerKey).toBe(hashGroup(salt, a.customerKey, 0.37))
  })

  it('gives 50 concurrent calls for one customer one row and one answer', async () => {
    const { ws, test } = await runningTest()
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customerKey: 'SAME' }),
      ),
    )
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([200]))
    expect(new Set(replies.map((r) => r.body.group)).size).toBe(1)
    expect(replies.filter((r) => r.body.created).length).toBe(1)
    const rows = await ctx.db.selectFrom('assignments').select('id').where('test_id', '=', test.id).execute()
    expect(rows).toHaveLength(1)
  })

  it('balances stratified permuted blocks within every stratum', async () => {
    const { ws, test } = await runningTest({ assignmentMethod: 'stratified_blocks', blockSize: 4 })
    const strata = ['Dealer North', 'Dealer South', 'Dealer East']
    const customers = strata.flatMap((s) =>
      Array.from({ length: 40 }, (_, i) => ({ customerKey: `${s}-${i}`, stratum: s })),
    )
    const res = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customers })
    expect(res.status).toBe(200)
    for (const s of strata) {
      const groups = res.body.items
        .filter((a: { stratum: string }) => a.stratum === s)
        .map((a: { group: string }) => a.group)
      expect(groups.filter((g: string) => g === 'control')).toHaveLength(20)
      for (let b = 0; b < 40; b += 4)
        expect(groups.slice(b, b + 4).filter((g: string) => g === 'control')).toHaveLength(2)
    }
  })

  it('keeps blocks balanced under concurrent single assignments', async () => {
    const { ws, test } = await runningTest({ assignmentMethod: 'stratified_blocks', blockSize: 2 })
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, {
          customerKey: `C-${i % 30}`,
          stratum: 'Moscow',
        }),
      ),
    )
    expect(replies.every((r) => r.status === 200)).toBe(true)
    const rows = await ctx.db
      .selectFrom('assignments')
      .select('group')
      .where('test_id', '=', test.id)
      .execute()
    expect(rows).toHaveLength(30)
    expect(rows.filter((r) => r.group === 'control')).toHaveLength(15)
  })

  it('assigns only while the test runs', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test()
    const res = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, { customerKey: 'X' })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('wrong_state')
  })

  it('lets an API key assign, and a leader not', async () => {
    const { ws, test } = await runningTest()
    const key = (await ws.call('admin', 'POST', '/api-keys', { name: 'CRM' })).body.key
    expect(
      (await ws.call({ bearer: key }, 'POST', `/tests/${test.id}/assignments`, { customerKey: 'A' })).status,
    ).toBe(200)
    expect(
      (await ws.call('leader', 'POST', `/tests/${test.id}/assignments`, { customerKey: 'B' })).status,
    ).toBe(403)
  })

  it('takes a CSV customer list with strata and answers with the assignment file', async () => {
    const { ws, test } = await runningTest()
    const csv = '\uFEFFКлиент;Дилер\r\nCRM-1;Север\r\n"CRM-2";"Юг"\r\nCRM-3;Север\r\n'
    const res = await ctx.request(
      { cookie: ws.members.analyst.cookie },
      'POST',
      `/api/workspaces/${ws.slug}/tests/${test.id}/assignments/csv?customerKey=Клиент&stratum=Дилер`,
      csv,
      { 'content-type': 'text/csv' },
    )
    expect(res.status).toBe(200)
    const lines = (res.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines[0]).toBe('customerKey,group,stratum,assignedAt,created')
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 1).concat(l.split(',')[2]!))).toEqual([
      ['CRM-1', 'Север'],
      ['CRM-2', 'Юг'],
      ['CRM-3', 'Север'],
    ])
    const file = await ctx.request(
      { cookie: ws.members.leader.cookie },
      'GET',
      `/api/workspaces/${ws.slug}/tests/${test.id}/assignments?format=csv`,
    )
    expect(file.headers.get('content-type')).toMatch(/text\/csv/)
    expect((file.body as string).trim().split('\r\n')).toHaveLength(4)
    const asJson = await ws.call('leader', 'GET', `/tests/${test.id}/assignments`)
    expect(asJson.body.items.map((a: { customerKey: string }) => a.customerKey)).toEqual([
      'CRM-1',
      'CRM-2',
      'CRM-3',
    ])
  })

  it('holds each line of a CSV customer list to the JSON rules, refusing the file with the lines named', async () => {
    const { ws, test } = await runningTest()
    const csv = `customerKey;stratum\nCRM-1;North\n;North\nCRM-\u00002;South\n${'K'.repeat(201)};South\nCRM-1;South\nCRM-3;${'S'.repeat(201)}\n`
    const res = await ctx.request(
      { cookie: ws.members.analyst.cookie },
      'POST',
      `/api/workspaces/${ws.slug}/tests/${test.id}/assignments/csv?stratum=stratum`,
      csv,
      { 'content-type': 'text/csv' },
    )
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('rows_refused')
    const refused = res.body.error.details.map((d: { row: number; field: string; code: string }) => [
      d.row,
      d.field,
      d.code,
    ])
    expect(refused).toEqual([
      [3, 'customerKey', 'invalid_value'],
      [4, 'customerKey', 'invalid_value'],
      [5, 'customerKey', 'invalid_value'],
      [6, 'customerKey', 'repeated_in_batch'],
      [7, 'stratum', 'invalid_value'],
    ])
    expect(res.body.error.details[1].message).toMatch(/NUL/)
    const file = await ws.call('leader', 'GET', `/tests/${test.id}/assignments`)
    expect(file.body.items).toEqual([])
  })

  it('refuses a repeated customer in one list, naming the row', async () => {
    const { ws, test } = await runningTest()
    const res = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, {
      customers: [{ customerKey: 'A' }, { customerKey: 'A' }],
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details).toEqual([
      { path: 'customers.1.customerKey', message: 'repeated in this request' },
    ])
  })
})

describe('the assignment methods themselves', () => {
  it('hashes deterministically by salt and key', () => {
    expect(hashGroup('salt', 'CRM-1', 0.5)).toBe(hashGroup('salt', 'CRM-1', 0.5))
    const groups = Array.from({ length: 2000 }, (_, i) => hashGroup('s', `k${i}`, 0.5))
    const controls = groups.filter((g) => g === 'control').length
    expect(controls).toBeGreaterThan(1000 - 5 * 22.4)
    expect(controls).toBeLessThan(1000 + 5 * 22.4)
  })

  it('fills a block with the planned split', () => {
    expect(permutedBlock(10, 0.3).filter((g) => g === 'control')).toHaveLength(3)
    expect(permutedBlock(4, 0.5).filter((g) => g === 'control')).toHaveLength(2)
    expect(permutedBlock(2, 0.1).filter((g) => g === 'control')).toHaveLength(1)
  })
})
