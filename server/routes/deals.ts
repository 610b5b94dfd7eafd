import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import { json, jsonBody, route } from '../lib/openapi.ts'
import { csvBody, csvOrJson, streamRows } from '../lib/stream-rows.ts'
import { validationHook } from '../lib/validation.ts'
import { IdParam } from '../schemas/common.ts'
import { CsvDealQuery, DealBatch, ExportQuery, IngestQuery, IngestResult } from '../schemas/deal.ts'
import { assertTakesDeals, ingestDeals, listDeals } from '../services/deals.ts'
import { importDeals } from '../services/imports.ts'
import { spooledCsv } from '../lib/csv-body.ts'
import { allow } from './scope.ts'

export const dealRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(
    route('deals', {
      method: 'post',
      path: '/{workspace}/tests/{id}/deals',
      request: { params: IdParam, query: IngestQuery, ...jsonBody(DealBatch) },
      responses: { 200: json(IngestResult, 'Written: counts, and in partial mode the refused rows') },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'ingest')
      const body = c.req.valid('json')
      const rows = (Array.isArray(body) ? body : [body]).map((value, i) => ({ row: i + 1, value }))
      const outcome = await ingestDeals(
        db,
        scope,
        c.req.valid('param').id,
        rows,
        c.req.valid('query').mode,
        now,
      )
      if (outcome.testStatus === 'completed') c.get('deps').webhooks?.kick()
      return c.json(outcome, 200)
    },
  )
  .openapi(
    route('deals', {
      method: 'post',
      path: '/{workspace}/tests/{id}/deals/csv',
      request: { params: IdParam, query: CsvDealQuery, ...csvBody },
      responses: {
        200: json(IngestResult, 'Written, as for JSON; rows are numbered by their line in the file'),
      },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'ingest')
      const { mode, ...mapping } = c.req.valid('query')
      await assertTakesDeals(db, scope, c.req.valid('param').id)
      const upload = await spooledCsv(c.req.raw.body)
      const outcome = await importDeals(
        db,
        scope,
        c.req.valid('param').id,
        upload.text,
        mapping,
        mode,
        now,
      ).finally(upload.dispose)
      if (outcome.testStatus === 'completed') c.get('deps').webhooks?.kick()
      return c.json(outcome, 200)
    },
  )
  .openapi(
    route('deals', {
      method: 'get',
      path: '/{workspace}/tests/{id}/deals',
      request: { params: IdParam, query: ExportQuery },
      responses: { 200: csvOrJson },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      const id = c.req.valid('param').id
      return await streamRows(
        c,
        c.req.valid('query').format,
        `test-${id}-deals`,
        ['externalId', 'customerKey', 'group', 'closedAt', 'converted', 'revenue', 'late', 'updatedAt'],
        listDeals(db, scope, id),
      )
    },
  )
