import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import { json, route } from '../lib/openapi.ts'
import { validationHook } from '../lib/validation.ts'
import { IdParam, WorkspaceParam } from '../schemas/common.ts'
import { PortfolioQuery } from '../schemas/portfolio.ts'
import { workspacePortfolio } from '../services/portfolio.ts'
import { testResults } from '../services/results.ts'
import { allow } from './scope.ts'

const Lang = z.object({ lang: z.enum(['en', 'ru']).default('en').describe('Language of the plain-language summary') })

export const resultRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(route('results', {
    method: 'get', path: '/{workspace}/tests/{id}/results', request: { params: IdParam, query: Lang },
    responses: { 200: json(z.record(z.string(), z.unknown()).openapi('TestResults'), 'The verdict from the frozen plan, progress, daily series, balance and interim looks') },
  }), async (c) => {
    const { db, scope, now } = allow(c, 'read')
    return c.json(await testResults(db, scope, c.req.valid('param').id, c.req.valid('query').lang, now) as never, 200)
  })
  .openapi(route('portfolio', {
    method: 'get', path: '/{workspace}/portfolio', request: { params: WorkspaceParam, query: PortfolioQuery },
    responses: { 200: json(z.record(z.string(), z.unknown()).openapi('Portfolio'), 'Every test with status, progress and primary result; adjusted p-values; pending decisions; expected yearly impact') },
  }), async (c) => {
    const { db, scope, now } = allow(c, 'read')
    return c.json(await workspacePortfolio(db, scope, c.req.valid('query'), now) as never, 200)
  })
