import { z } from '@hono/zod-openapi'
import { freeFormMap, requiredText } from './common.ts'

const isoDate = z
  .string()
  .trim()
  .refine(
    (s) =>
      /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) &&
      !Number.isNaN(Date.parse(s)),
    'must be a date: 2026-11-22 or 2026-11-22T10:00:00Z',
  )

/** One deal as sent by a CRM: the observation of a test. Validated row by row, so each bad row is named. */
export const DealRow = z
  .object({
    externalId: requiredText(200).describe("The deal's id in the CRM; sending it again updates the deal"),
    customerKey: requiredText(200).describe('The customer as assigned to the test'),
    closedAt: isoDate.describe(
      "When the deal closed: a date alone is that whole day in the workspace's time zone, a time without an offset its wall clock",
    ),
    converted: z.boolean().describe('The primary metric, e.g. extra equipment bought'),
    revenue: z
      .number()
      .finite()
      .min(0)
      .lt(1e12, 'must be below 1,000,000,000,000 (kept to the cent)')
      .nullable()
      .optional()
      .describe('Revenue from the conversion; kept rounded to the cent'),
    attributes: freeFormMap(
      z
        .record(z.string().max(100), z.unknown())
        .refine((a) => JSON.stringify(a).length <= 4096, 'at most 4 KB'),
    ).optional(),
  })
  .strict()
  .openapi('Deal')

/**
 * A deal as a batch carries it: any JSON object, passed on as sent to be checked row by row
 * (`DealRow`, which names each bad row). Not a record: a record is built anew and drops a key
 * "__proto__" without a word, so `DealRow` would never see that unknown field to refuse it.
 */
const SentDeal = z
  .custom<Record<string, unknown>>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'must be an object',
  )
  .openapi({ type: 'object', additionalProperties: {} })

export const DealBatch = z
  .union([z.array(SentDeal).min(1).max(10_000), SentDeal])
  .openapi('DealBatch', { description: 'One deal, or an array of up to 10,000 deals (see the Deal schema)' })

export const IngestQuery = z.object({
  mode: z
    .enum(['strict', 'partial'])
    .default('strict')
    .describe(
      'strict: any bad row refuses the whole batch; partial: good rows are written and bad ones returned',
    ),
})

export const CsvDealQuery = IngestQuery.extend({
  externalId: z.string().max(200).default('externalId').describe('Column holding the deal id'),
  customerKey: z.string().max(200).default('customerKey'),
  closedAt: z.string().max(200).default('closedAt'),
  converted: z.string().max(200).default('converted'),
  revenue: z.string().max(200).default('revenue').describe('Optional column; decimal comma accepted'),
})

export const RefusedRow = z
  .object({
    row: z.number().describe('1-based position in the batch; for CSV, the line in the file'),
    field: z.string(),
    code: z.enum([
      'invalid_value',
      'unknown_field',
      'repeated_in_batch',
      'customer_not_assigned',
      'customer_changed',
      'before_test_start',
      'in_future',
    ]),
    reason: z.string(),
  })
  .openapi('RefusedRow')

export const IngestResult = z
  .object({
    received: z.number(),
    inserted: z.number(),
    updated: z.number(),
    unchanged: z.number(),
    late: z.number(),
    refused: z.array(RefusedRow).describe('The first 1,000 refused rows, in row order'),
    refusedCount: z.number().describe('Every refused row, listed or not'),
    testStatus: z.string(),
  })
  .openapi('IngestResult')

export const AssignBody = z
  .object({ customerKey: requiredText(200), stratum: requiredText(200).nullable().optional() })
  .strict()
  .openapi('AssignCustomer')
export const AssignBatch = z
  .object({ customers: z.array(AssignBody).min(1).max(10_000) })
  .strict()
  .openapi('AssignCustomers')
export const AssignmentOut = z
  .object({
    customerKey: z.string(),
    group: z.enum(['control', 'treatment']),
    stratum: z.string().nullable(),
    assignedAt: z.string(),
    created: z.boolean(),
  })
  .openapi('Assignment')
export const CsvCustomerQuery = z.object({
  customerKey: z.string().max(200).default('customerKey').describe('Column holding the customer key'),
  stratum: z.string().max(200).default('stratum').describe('Optional column: dealership, region…'),
})
export const ExportQuery = z.object({ format: z.enum(['json', 'csv']).default('json') })
