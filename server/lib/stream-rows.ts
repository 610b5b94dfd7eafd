import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../context.ts'
import { csvLine } from './csv.ts'

/** A CSV request body, as the upload routes declare it. */
export const csvBody = {
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

export const csvOrJson = {
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
export async function streamRows<T extends object>(
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
