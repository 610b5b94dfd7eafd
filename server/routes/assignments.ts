import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import { json, jsonBody, route } from '../lib/openapi.ts'
import { csvBody, csvOrJson, streamRows } from '../lib/stream-rows.ts'
import { validationHook } from '../lib/validation.ts'
import { IdParam } from '../schemas/common.ts'
import { AssignBatch, AssignBody, AssignmentOut, CsvCustomerQuery, ExportQuery } from '../schemas/deal.ts'
import { assignCustomers, listAssignments } from '../services/assignment.ts'
import { importCustomers } from '../services/imports.ts'
import { streamedCsv } from '../lib/csv-body.ts'
import { allow } from './scope.ts'

export const assignmentRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(
    route('assignments', {
      method: 'post',
      path: '/{workspace}/tests/{id}/assignments',
      request: { params: IdParam, ...jsonBody(z.union([AssignBody, AssignBatch])) },
      responses: {
        200: json(
          z.union([AssignmentOut, z.object({ items: z.array(AssignmentOut) })]),
          'The group of each customer; `created` is false for a customer assigned before',
        ),
      },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'ingest')
      const body = c.req.valid('json')
      const id = c.req.valid('param').id
      if ('customers' in body)
        return c.json({ items: await assignCustomers(db, scope, id, body.customers) }, 200)
      return c.json((await assignCustomers(db, scope, id, [body]))[0]!, 200)
    },
  )
  .openapi(
    route('assignments', {
      method: 'post',
      path: '/{workspace}/tests/{id}/assignments/csv',
      request: { params: IdParam, query: CsvCustomerQuery, ...csvBody },
      responses: { 200: csvOrJson },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'ingest')
      const id = c.req.valid('param').id
      const assigned = await importCustomers(db, scope, id, streamedCsv(c.req.raw.body), c.req.valid('query'))
      async function* once() {
        yield assigned
      }
      return await streamRows(
        c,
        c.req.header('accept')?.includes('application/json') ? 'json' : 'csv',
        `test-${id}-assignments`,
        ['customerKey', 'group', 'stratum', 'assignedAt', 'created'],
        once(),
      )
    },
  )
  .openapi(
    route('assignments', {
      method: 'get',
      path: '/{workspace}/tests/{id}/assignments',
      request: { params: IdParam, query: ExportQuery },
      responses: { 200: csvOrJson },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      const id = c.req.valid('param').id
      return await streamRows(
        c,
        c.req.valid('query').format,
        `test-${id}-assignments`,
        ['customerKey', 'group', 'stratum', 'assignedAt'],
        listAssignments(db, scope, id),
      )
    },
  )
