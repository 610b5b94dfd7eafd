import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../context.ts'
import { ApiError } from '../errors.ts'
import { csvLine, normaliseDate, openCsv, parseBoolean, parseDecimal, type CsvRow } from '../lib/csv.ts'
import { json, jsonBody, route } from '../lib/openapi.ts'
import { validationHook } from '../lib/validation.ts'
import { IdParam } from '../schemas/common.ts'
import {
  AssignBatch,
  AssignBody,
  AssignmentOut,
  CsvCustomerQuery,
  CsvDealQuery,
  DealBatch,
  ExportQuery,
  IngestQuery,
  IngestResult,
} from '../schemas/deal.ts'
import { assignCustomers, listAssignments, type CustomerInput } from '../services/assignment.ts'
import { ingestDeals, listDeals, type NumberedRow, type RowSource } from '../services/deals.ts'
import { allow } from './scope.ts'

const csvBody = {
  body: {
    content: {
      'text/csv': {
        schema: z
          .string()
          .openapi({ description: 'UTF-8 CSV with a header line; comma or semicolon separated' }),
      },
    },
    required: true,
  },
}
const csvOrJson = {
  content: {
    'application/json': { schema: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) },
    'text/csv': { schema: z.string() },
  },
  description: 'Every row, as JSON or as a CSV file (?format=csv)',
}

/**
 * Streams pages from a generator as one JSON document or one CSV file, never holding them all.
 * The first page is read before the reply starts, so a missing test is still a 404, not a 200
 * whose body breaks off.
 */
async function streamRows<T extends object>(
  c: Context<AppEnv>,
  format: 'json' | 'csv',
  filename: string,
  columns: (keyof T & string)[],
  pages: AsyncGenerator<T[]>,
) {
  const encoder = new TextEncoder()
  let first = true
  let pending: IteratorResult<T[]> | undefined = await pages.next()
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(format === 'csv' ? '\uFEFF' + csvLine(columns) : '{"items":['))
    },
    async pull(controller) {
      const next = pending ?? (await pages.next())
      pending = undefined
      if (next.done) {
        if (format === 'json') controller.enqueue(encoder.encode(']}'))
        controller.close()
        return
      }
      const chunk =
        format === 'csv'
          ? next.value.map((row) => csvLine(columns.map((k) => row[k]))).join('')
          : next.value.map((row) => (first ? ((first = false), '') : ',') + JSON.stringify(row)).join('')
      controller.enqueue(encoder.encode(chunk))
    },
  })
  const headers: Record<string, string> =
    format === 'csv'
      ? {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${filename}.csv"`,
        }
      : { 'content-type': 'application/json' }
  return c.body(body, 200, headers)
}

/** Opens the CSV body and finds each mapped column; a required column missing from the header is a 400. */
async function readCsv(c: Context<AppEnv>, mapping: Record<string, string>, required: string[]) {
  const table = openCsv(await c.req.text())
  const index: Record<string, number> = {}
  const missing: { path: string; message: string }[] = []
  for (const [field, column] of Object.entries(mapping)) {
    const i = table.header.findIndex((h) => h.toLowerCase() === column.toLowerCase())
    if (i >= 0) index[field] = i
    else if (required.includes(field))
      missing.push({
        path: `query.${field}`,
        message: `no column "${column}" in the header (${table.header.join(', ')})`,
      })
  }
  if (missing.length) throw new ApiError(400, 'invalid_input', 'The CSV lacks a mapped column', missing)
  return { table, index }
}

export const engineRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
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
      const mapping = c.req.valid('query')
      const { table, index } = await readCsv(c, mapping, ['customerKey'])
      const lines = [...table.rows]
      if (lines.length > 100_000)
        throw new ApiError(413, 'payload_too_large', 'At most 100,000 customers per upload')
      // Each line is held to the rules a JSON customer is held to; lines are numbered as in the file.
      const customers: CustomerInput[] = []
      const refused: { path: string; message: string; row: number; field: string; code: string }[] = []
      const seen = new Map<string, number>()
      for (const { line, values } of lines) {
        const parsed = AssignBody.safeParse({
          customerKey: values[index.customerKey!] ?? '',
          stratum: index.stratum === undefined ? null : values[index.stratum]?.trim() || null,
        })
        if (!parsed.success) {
          for (const issue of parsed.error.issues)
            refused.push({
              path: `rows.${line}.${String(issue.path[0])}`,
              message: issue.message,
              row: line,
              field: String(issue.path[0]),
              code: 'invalid_value',
            })
          continue
        }
        const first = seen.get(parsed.data.customerKey)
        if (first !== undefined)
          refused.push({
            path: `rows.${line}.customerKey`,
            message: `repeated in this file (first at line ${first})`,
            row: line,
            field: 'customerKey',
            code: 'repeated_in_batch',
          })
        else seen.set(parsed.data.customerKey, line)
        customers.push(parsed.data)
      }
      if (refused.length)
        throw new ApiError(
          422,
          'rows_refused',
          `${refused.length} row(s) refused; nothing was assigned`,
          refused,
        )
      const id = c.req.valid('param').id
      const assigned: Awaited<ReturnType<typeof assignCustomers>> = []
      for (let i = 0; i < customers.length; i += 10_000)
        assigned.push(...(await assignCustomers(db, scope, id, customers.slice(i, i + 10_000))))
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
      const rows: NumberedRow[] = (Array.isArray(body) ? body : [body]).map((value, i) => ({
        row: i + 1,
        value,
      }))
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
      const { table, index } = await readCsv(c, mapping, [
        'externalId',
        'customerKey',
        'closedAt',
        'converted',
      ])
      const cell = (values: string[], field: string) =>
        index[field] === undefined ? undefined : (values[index[field]!] ?? '')
      const toRow = ({ line, values }: CsvRow): NumberedRow => {
        const converted = cell(values, 'converted')!
        const revenue = cell(values, 'revenue')
        return {
          row: line,
          value: {
            externalId: cell(values, 'externalId')!.trim(),
            customerKey: cell(values, 'customerKey')!.trim(),
            closedAt: normaliseDate(cell(values, 'closedAt')!),
            converted: parseBoolean(converted) ?? converted,
            ...(revenue === undefined ? {} : { revenue: parseDecimal(revenue) }),
          },
        }
      }
      // Rows are parsed and made from the file's lines as ingestion reaches them.
      const rows: RowSource = {
        *[Symbol.iterator]() {
          for (const row of table.rows) yield toRow(row)
        },
      }
      const outcome = await ingestDeals(db, scope, c.req.valid('param').id, rows, mode, now)
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
