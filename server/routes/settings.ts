import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import { json, jsonBody, route } from '../lib/openapi.ts'
import { validationHook } from '../lib/validation.ts'
import { IdParam, ListQuery, WorkspaceParam, page } from '../schemas/common.ts'
import {
  Notification,
  NotificationQuery,
  Settings,
  UpdateSettings,
  WebhookDelivery,
} from '../schemas/settings.ts'
import * as notifications from '../services/notifications.ts'
import { assertPublicWebhookUrl } from '../services/webhook-targets.ts'
import { listWebhookDeliveries } from '../services/webhooks.ts'
import { allow } from './scope.ts'

export const settingsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(
    route('settings', {
      method: 'get',
      path: '/{workspace}/settings',
      request: { params: WorkspaceParam },
      responses: { 200: json(Settings, 'The workspace settings; the webhook secret is never returned') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'administer')
      return c.json(await notifications.getSettings(db, scope), 200)
    },
  )
  .openapi(
    route('settings', {
      method: 'patch',
      path: '/{workspace}/settings',
      request: { params: WorkspaceParam, ...jsonBody(UpdateSettings) },
      responses: { 200: json(Settings, 'Updated') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'administer')
      const input = c.req.valid('json')
      if (input.webhookUrl) await assertPublicWebhookUrl(input.webhookUrl)
      return c.json(await notifications.updateSettings(db, scope, input), 200)
    },
  )

  .openapi(
    route('notifications', {
      method: 'get',
      path: '/{workspace}/notifications',
      request: { params: WorkspaceParam, query: NotificationQuery },
      responses: { 200: json(page(Notification, 'NotificationPage'), 'Notices, newest first') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      const q = c.req.valid('query')
      return c.json(await notifications.listNotifications(db, scope, { ...q, unreadOnly: q.unread }), 200)
    },
  )
  .openapi(
    route('notifications', {
      method: 'post',
      path: '/{workspace}/notifications/{id}/read',
      request: { params: IdParam },
      responses: { 200: json(Notification, 'Marked read') },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'read')
      return c.json(await notifications.markNotificationRead(db, scope, c.req.valid('param').id, now), 200)
    },
  )

  .openapi(
    route('settings', {
      method: 'get',
      path: '/{workspace}/webhook-deliveries',
      request: { params: WorkspaceParam, query: ListQuery },
      responses: {
        200: json(page(WebhookDelivery, 'WebhookDeliveryPage'), 'The delivery log, newest first'),
      },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'administer')
      return c.json(await listWebhookDeliveries(db, scope, c.req.valid('query')), 200)
    },
  )
