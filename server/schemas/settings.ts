import { z } from '@hono/zod-openapi'
import type { Selectable } from 'kysely'
import type { NotificationsTable, WebhookDeliveriesTable } from '../../db/tables/index.ts'
import { isTimeZone } from '../lib/time-zone.ts'
import { ListQuery, Timestamp, requiredText } from './common.ts'

const isHttpUrl = (s: string) => {
  if (!URL.canParse(s)) return false
  const { protocol } = new URL(s)
  return protocol === 'http:' || protocol === 'https:'
}

export const Settings = z
  .object({
    slug: z.string(),
    name: z.string(),
    locale: z.enum(['en', 'ru']),
    timeZone: z
      .string()
      .describe('IANA time zone: a date without a time is that whole day here; daily series use its days'),
    currency: z.string().describe('ISO 4217 code of money amounts'),
    webhookUrl: z.string().nullable().describe('Where test.completed events are POSTed; null for none'),
    hasWebhookSecret: z
      .boolean()
      .describe('Whether a signing secret is set; the secret itself is never returned'),
  })
  .openapi('Settings')

export const UpdateSettings = z
  .object({
    name: requiredText(200).optional(),
    locale: z.enum(['en', 'ru']).optional(),
    timeZone: z
      .string()
      .trim()
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Moscow or UTC')
      .optional()
      .openapi({ example: 'Europe/Moscow' }),
    currency: z
      .string()
      .trim()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as RUB, EUR or USD')
      .optional(),
    webhookUrl: z
      .string()
      .trim()
      .max(2000)
      .refine(isHttpUrl, 'must be an http or https URL')
      .nullable()
      .optional()
      .openapi({ example: 'https://crm.example.com/hooks/cxw' }),
    webhookSecret: z
      .string()
      .min(16, 'at least 16 characters')
      .max(200)
      .nullable()
      .optional()
      .describe('Signs each delivery (HMAC-SHA256); write-only'),
  })
  .strict()
  .openapi('UpdateSettings')

const Totals = z.object({
  control: z.object({ deals: z.number(), conversions: z.number() }),
  treatment: z.object({ deals: z.number(), conversions: z.number() }),
})

export const CompletionReason = z.enum(['target_reached', 'max_duration', 'manual', 'efficacy_boundary'])

/** What a `test_completed` notice says; the webhook's body carries the same facts. */
export const TestCompletedPayload = z
  .object({
    test: z.object({ id: z.number(), name: z.string(), hypothesisId: z.number() }),
    reason: CompletionReason,
    completedAt: Timestamp,
    totals: Totals,
  })
  .openapi('TestCompletedPayload')

export const Notification = z
  .object({
    id: z.number(),
    kind: z.enum(['test_completed']),
    testId: z.number().nullable(),
    payload: TestCompletedPayload,
    createdAt: Timestamp,
    readAt: Timestamp.nullable(),
  })
  .openapi('Notification')

export const NotificationQuery = ListQuery.extend({
  unread: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('Only notices not yet read'),
})

export const WebhookDelivery = z
  .object({
    id: z.number(),
    event: z.string(),
    url: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number(),
    lastStatus: z
      .number()
      .nullable()
      .describe('The HTTP status of the last attempt; null when it got no answer'),
    lastError: z.string().nullable(),
    nextAttemptAt: Timestamp,
    deliveredAt: Timestamp.nullable(),
    createdAt: Timestamp,
  })
  .openapi('WebhookDelivery')

export const toNotification = (r: Selectable<NotificationsTable>): z.infer<typeof Notification> => ({
  id: r.id,
  kind: r.kind,
  testId: r.test_id,
  payload: r.payload as z.infer<typeof TestCompletedPayload>,
  createdAt: r.created_at.toISOString(),
  readAt: r.read_at?.toISOString() ?? null,
})

export const toWebhookDelivery = (
  r: Selectable<WebhookDeliveriesTable>,
): z.infer<typeof WebhookDelivery> => ({
  id: r.id,
  event: r.event,
  url: r.url,
  status: r.status,
  attempts: r.attempts,
  lastStatus: r.last_status,
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at.toISOString(),
  deliveredAt: r.delivered_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
})
