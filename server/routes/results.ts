import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import { json, route } from '../lib/openapi.ts'
import { validationHook } from '../lib/validation.ts'
import { IdParam, WorkspaceParam } from '../schemas/common.ts'
import { PortfolioQuery } from '../schemas/portfolio.ts'
import { Portfolio, TestResults } from '../schemas/results.ts'
import { workspacePortfolio } from '../services/portfolio.ts'
import { testResults } from '../services/results.ts'
import { csvLine } from '../lib/csv.ts'
import { allow } from './scope.ts'

const ResultsQuery = z.object({
  lang: z.enum(['en', 'ru']).default('en').describe('Language of the plain-language summary'),
  format: z
    .enum(['json', 'csv'])
    .default('json')
    .describe('csv: one "field,value" line per number, for spreadsheets'),
})

/** Every leaf of a nested object as a dotted path and its value, arrays by index. */
function flatten(value: unknown, prefix = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object') return [[prefix, value]]
  return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k))
}

/** Fields of the results that are amounts of money: their CSV name carries the workspace's currency. */
const isMoney = (field: string) =>
  /(^|\.)revenue\.difference\./.test(field) || field.endsWith('revenuePerDeal')

export const resultRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(
    route('results', {
      method: 'get',
      path: '/{workspace}/tests/{id}/results',
      request: { params: IdParam, query: ResultsQuery },
      responses: {
        200: {
          content: { 'application/json': { schema: TestResults }, 'text/csv': { schema: z.string() } },
          description:
            'The verdict from the frozen plan, progress, daily series, balance and interim looks (or, with format=csv, one field per line)',
        },
      },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'read')
      const { lang, format } = c.req.valid('query')
      const id = c.req.valid('param').id
      const results = await testResults(db, scope, id, lang, now)
      if (format === 'json') return c.json(results, 200)
      const { series: _series, ...summary } = results
      const body =
        '\uFEFF' +
        csvLine(['field', 'value']) +
        flatten(summary)
          .map(([k, v]) => csvLine([isMoney(k) ? `${k} (${results.currency})` : k, v]))
          .join('')
      return c.body(body, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="test-${id}-results.csv"`,
      }) as never
    },
  )
  .openapi(
    route('portfolio', {
      method: 'get',
      path: '/{workspace}/portfolio',
      request: { params: WorkspaceParam, query: PortfolioQuery },
      responses: {
        200: json(
          Portfolio,
          'Every test with status, progress and primary result; adjusted p-values; pending decisions; expected yearly impact',
        ),
      },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'read')
      return c.json(await workspacePortfolio(db, scope, c.req.valid('query'), now), 200)
    },
  )
