import type { Kysely } from 'kysely'
import type { DB } from '../../db/tables/index.ts'
import type { Scope } from '../context.ts'
import { ApiError, type ErrorDetail } from '../errors.ts'
import { normaliseDate, openCsv, parseBoolean, parseDecimal, type CsvRow } from '../lib/csv.ts'
import { AssignBody } from '../schemas/deal.ts'
import { assignCustomers, runningTest, type CustomerInput } from './assignment.ts'
import { ingestDeals, MAX_LISTED_REFUSALS, type NumberedRow, type RowSource } from './deals.ts'

/** At most this many customers in one uploaded list. */
export const CUSTOMER_LIST_LIMIT = 100_000
/** Customers assigned per statement batch of a list. */
const ASSIGN_BATCH = 10_000

/**
 * Opens a CSV upload and finds each mapped column in its header (case-insensitive). A required
 * column missing from the header is a 400 naming the query parameter that maps it.
 */
export async function openMappedCsv(
  text: string | AsyncIterable<string>,
  mapping: Record<string, string>,
  required: string[],
) {
  const table = await openCsv(text)
  const index: Record<string, number> = {}
  const missing: ErrorDetail[] = []
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

/**
 * Reads a customer list (a key per line, optionally a stratum) and assigns every customer. Each
 * line is held to the rules a JSON customer is held to; lines are numbered as in the file, and
 * any bad or repeated line refuses the whole list (422), so nothing is half assigned.
 */
export async function importCustomers(
  db: Kysely<DB>,
  scope: Scope,
  testId: number,
  text: string | AsyncIterable<string>,
  mapping: { customerKey: string; stratum: string },
) {
  // The test is checked before the file is read: an empty list gets the answer a full one gets.
  await runningTest(db, scope, testId)
  const { table, index } = await openMappedCsv(text, mapping, ['customerKey'])
  const customers: CustomerInput[] = []
  const refused: ErrorDetail[] = []
  let refusedCount = 0
  const refuse = (detail: ErrorDetail) => {
    refusedCount++
    if (refused.length < MAX_LISTED_REFUSALS) refused.push(detail)
  }
  const seen = new Map<string, number>()
  let count = 0
  // Lines are read as they are reached: the limit is enforced at the line that passes it, and the
  // rest of the file is never read.
  for await (const slice of table.rows)
    for (const { line, values } of slice) {
      if (++count > CUSTOMER_LIST_LIMIT)
        throw new ApiError(413, 'payload_too_large', 'At most 100,000 customers per upload', [
          { path: `rows.${line}`, message: 'past the 100,000th customer' },
        ])
      const parsed = AssignBody.safeParse({
        customerKey: values[index.customerKey!] ?? '',
        stratum: index.stratum === undefined ? null : values[index.stratum]?.trim() || null,
      })
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = String(issue.path[0])
          refuse({
            path: `rows.${line}.${field}`,
            message: issue.message,
            row: line,
            field,
            code: 'invalid_value',
          })
        }
        continue
      }
      const first = seen.get(parsed.data.customerKey)
      if (first !== undefined)
        refuse({
          path: `rows.${line}.customerKey`,
          message: `repeated in this file (first at line ${first})`,
          row: line,
          field: 'customerKey',
          code: 'repeated_in_batch',
        })
      else seen.set(parsed.data.customerKey, line)
      customers.push(parsed.data)
    }
  if (refusedCount) {
    const listed = refusedCount > refused.length ? ` (the first ${refused.length} listed)` : ''
    throw new ApiError(
      422,
      'rows_refused',
      `${refusedCount} row(s) refused${listed}; nothing was assigned`,
      refused,
    )
  }
  const assigned: Awaited<ReturnType<typeof assignCustomers>> = []
  for (let i = 0; i < customers.length; i += ASSIGN_BATCH)
    assigned.push(...(await assignCustomers(db, scope, testId, customers.slice(i, i + ASSIGN_BATCH))))
  return assigned
}

export interface DealColumns {
  externalId: string
  customerKey: string
  closedAt: string
  converted: string
  revenue: string
}

/**
 * Reads a deals file through its column mapping and ingests it as a batch: each line becomes the
 * deal a JSON sender would send (dates as spreadsheets write them, booleans in English or Russian,
 * a decimal comma), made as ingestion reaches it, and numbered by its line in the file.
 */
export async function importDeals(
  db: Kysely<DB>,
  scope: Scope,
  testId: number,
  text: string | AsyncIterable<string>,
  mapping: DealColumns,
  mode: 'strict' | 'partial',
  now: Date,
) {
  const { table, index } = await openMappedCsv(text, { ...mapping }, [
    'externalId',
    'customerKey',
    'closedAt',
    'converted',
  ])
  const cell = (values: string[], field: keyof DealColumns) =>
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
  async function* rows(): RowSource {
    for await (const slice of table.rows) yield slice.map(toRow)
  }
  return ingestDeals(db, scope, testId, rows(), mode, now)
}
