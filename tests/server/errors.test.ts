import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { StatsInputError } from '../../stats/errors.ts'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

describe('errors by whose fault', () => {
  it('answers a statistics error raised inside the server as its own fault: a logged 500 with the request id', async () => {
    const ws = await ctx.newWorkspace()
    // A route whose service hands the statistics numbers they refuse, as a bug would.
    ctx.app.get('/api/workspaces/:workspace/broken-statistics', () => {
      throw new StatsInputError('plan.lookNumber', 'must be a look between 1 and 3, got 4')
    })
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const res = await ws.call('leader', 'GET', '/broken-statistics')
      expect(res.status).toBe(500)
      expect(res.body.error).toMatchObject({ code: 'internal', details: [] })
      expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'))
      expect(JSON.stringify(res.body)).not.toContain('lookNumber')
      expect(logged).toHaveBeenCalledWith(
        expect.stringContaining(res.body.error.requestId),
        expect.any(StatsInputError),
      )
    } finally {
      logged.mockRestore()
    }
  })

  it('answers impossible calculator input with 400 at the edge, naming the field', async () => {
    const res = await ctx.request({}, 'POST', '/api/calculators/significance', {
      control: { deals: 10, conversions: 11 },
      treatment: { deals: 10, conversions: 2 },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_input')
    expect(res.body.error.details[0].path).toMatch(/^body\.control/)
  })
})
