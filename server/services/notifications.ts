import { type Kysely, type Transaction, type Updateable } from 'kysely'
import { jsonb } from '../../db/queries/arrays.ts'
import type { z } from '@hono/zod-openapi'
import type { CompletionReason, DB, WorkspaceRow, WorkspacesTable } from '../../db/tables/index.ts'
import type { Paging } from '../../db/queries/paging.ts'
import type { Scope } from '../context.ts'
import { notFound, pipelineRule } from '../errors.ts'
import {
  toNotification,
  type Settings,
  type TestCompletedPayload,
  type UpdateSettings,
} from '../schemas/settings.ts'
import { recordAudit } from './audit.ts'

type Db = Kysely<DB> | Transaction<DB>

// Sent as text and cast in SQL: postgres.js JSON-encodes a string bound to a jsonb parameter
// again (storing a JSON string, not an object), while PGlite does not; a text parameter is the
// same on both.

export interface ArmCounts {
  deals: number
  conversions: number
}

export interface TestCompletedInput {
  workspaceId: number
  test: { id: number; name: string; hypothesisId: number }
  reason: CompletionReason
  completedAt: Date
  totals: { control: ArmCounts; treatment: ArmCounts }
}

/** The body of a `test.completed` webhook, as stored; the dispatcher adds `deliveryId` when it sends. */
export interface TestCompletedEvent extends z.infer<typeof TestCompletedPayload> {
  event: 'test.completed'
  workspace: string
}

/**
 * Tells the workspace that a test completed (by hand, or by itself): an in-app notice and, when the workspace has
 * a webhook URL, a pending delivery. Runs in the caller's transaction and does no network I/O, so
 * the notice exists exactly when the completion does and a slow receiver cannot hold the
 * transaction; call the dispatcher's `kick()` after the commit to send it soon.
 */
export async function notifyTestCompleted(trx: Db, input: TestCompletedInput) {
  const ws = await trx
    .selectFrom('workspaces')
    .select(['slug', 'webhook_url'])
    .where('id', '=', input.workspaceId)
    .executeTakeFirstOrThrow()
  const facts: z.infer<typeof TestCompletedPayload> = {
    test: { id: input.test.id, name: input.test.name, hypothesisId: input.test.hypothesisId },
    reason: input.reason,
    completedAt: input.completedAt.toISOString(),
    totals: {
      control: { deals: input.totals.control.deals, conversions: input.totals.control.conversions },
      treatment: { deals: input.totals.treatment.deals, conversions: input.totals.treatment.conversions },
    },
  }
  const notice = await trx
    .insertInto('notifications')
    .values({
      workspace_id: input.workspaceId,
      test_id: input.test.id,
      kind: 'test_completed',
      payload: jsonb(facts),
      created_at: input.completedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (!ws.webhook_url) return { notificationId: notice.id, deliveryId: null }

  const event: TestCompletedEvent = { event: 'test.completed', workspace: ws.slug, ...facts }
  // Due at the completion time (the injected clock), not the database's now(), so tests and
  // the server agree on what is due.
  const delivery = await trx
    .insertInto('webhook_deliveries')
    .values({
      workspace_id: input.workspaceId,
      event: event.event,
      url: ws.webhook_url,
      payload: jsonb(event),
      next_attempt_at: input.completedAt,
      created_at: input.completedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { notificationId: notice.id, deliveryId: delivery.id }
}

/** The workspace's notices, newest first; `unreadOnly` leaves out those already read. */
export async function listNotifications(
  db: Db,
  scope: Scope,
  filter: Paging & { unreadOnly?: boolean | undefined },
) {
  const rows = await db
    .selectFrom('notifications')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .$if(filter.unreadOnly === true, (q) => q.where('read_at', 'is', null))
    .$if(filter.cursor !== undefined, (q) => q.where('id', '<', Number(filter.cursor)))
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute()
  return {
    items: rows.map(toNotification),
    nextCursor: rows.length === filter.limit ? String(rows.at(-1)!.id) : null,
  }
}

/** Marks a notice read for the whole workspace; marking it again keeps the first time. */
export async function markNotificationRead(db: Kysely<DB>, scope: Scope, id: number, now: Date) {
  return db.transaction().execute(async (trx) => {
    const marked = await trx
      .updateTable('notifications')
      .set({ read_at: now })
      .where('id', '=', id)
      .where('workspace_id', '=', scope.workspaceId)
      .where('read_at', 'is', null)
      .returningAll()
      .executeTakeFirst()
    if (marked) {
      await recordAudit(trx, {
        workspaceId: scope.workspaceId,
        actor: scope.actor,
        action: 'notification.read',
        subjectType: 'notification',
        subjectId: id,
      })
      return toNotification(marked)
    }
    const row = await trx
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', scope.workspaceId)
      .executeTakeFirst()
    if (!row) throw notFound('Notification')
    return toNotification(row)
  })
}

const toSettings = (w: WorkspaceRow): z.infer<typeof Settings> => ({
  slug: w.slug,
  name: w.name,
  locale: w.locale,
  timeZone: w.time_zone,
  currency: w.currency,
  webhookUrl: w.webhook_url,
  hasWebhookSecret: w.webhook_secret !== null,
})

export async function getSettings(db: Db, scope: Scope) {
  return toSettings(
    await db
      .selectFrom('workspaces')
      .selectAll()
      .where('id', '=', scope.workspaceId)
      .executeTakeFirstOrThrow(),
  )
}

/**
 * Changes the workspace's name, locale and webhook. A webhook URL needs a secret, or receivers
 * could not tell our deliveries from forgeries. The audit entry records whether a secret is set,
 * never the secret.
 */
export async function updateSettings(db: Kysely<DB>, scope: Scope, input: z.infer<typeof UpdateSettings>) {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('workspaces')
      .selectAll()
      .where('id', '=', scope.workspaceId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    const patch: Updateable<WorkspacesTable> = {}
    if (input.name !== undefined) patch.name = input.name
    if (input.locale !== undefined) patch.locale = input.locale
    if (input.timeZone !== undefined) patch.time_zone = input.timeZone
    if (input.currency !== undefined) patch.currency = input.currency
    if (input.webhookUrl !== undefined) patch.webhook_url = input.webhookUrl
    if (input.webhookSecret !== undefined) patch.webhook_secret = input.webhookSecret
    const url = patch.webhook_url !== undefined ? patch.webhook_url : before.webhook_url
    const secret = patch.webhook_secret !== undefined ? patch.webhook_secret : before.webhook_secret
    if (url !== null && secret === null) {
      throw pipelineRule('A webhook URL needs a signing secret', [
        { path: 'body.webhookSecret', message: 'required while a webhook URL is set' },
      ])
    }
    if (Object.keys(patch).length === 0) return toSettings(before)
    const after = await trx
      .updateTable('workspaces')
      .set(patch)
      .where('id', '=', scope.workspaceId)
      .returningAll()
      .executeTakeFirstOrThrow()
    const rotated = input.webhookSecret != null && input.webhookSecret !== before.webhook_secret
    await recordAudit(trx, {
      workspaceId: scope.workspaceId,
      actor: scope.actor,
      action: 'workspace.settings_changed',
      subjectType: 'workspace',
      subjectId: scope.workspaceId,
      before: toSettings(before),
      after: { ...toSettings(after), ...(rotated ? { webhookSecretChanged: true } : {}) },
    })
    return toSettings(after)
  })
}
