import { OpenAPIHono, z } from '@hono/zod-openapi'
import { originOf } from '../auth/client-address.ts'
import { can } from '../auth/permissions.ts'
import type { AppEnv } from '../context.ts'
import { json, jsonBody, noContent, route } from '../lib/openapi.ts'
import { validationHook } from '../lib/validation.ts'
import {
  AccountLink,
  AddMember,
  ApiKey,
  AuditEntry,
  AuditQuery,
  Comment,
  CommentQuery,
  CreateApiKey,
  CreateComment,
  CreatedApiKey,
  Invitation,
  Member,
  MemberParam,
  UpdateMember,
} from '../schemas/admin.ts'
import { IdParam, WorkspaceParam, page } from '../schemas/common.ts'
import { listAudit } from '../services/audit.ts'
import * as members from '../services/members.ts'
import { allow } from './scope.ts'

export const adminRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(
    route('members', {
      method: 'get',
      path: '/{workspace}/members',
      request: { params: WorkspaceParam },
      responses: { 200: json(z.object({ items: z.array(Member) }), 'Members and roles') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json({ items: await members.listMembers(db, scope) }, 200)
    },
  )
  .openapi(
    route('members', {
      method: 'post',
      path: '/{workspace}/members',
      request: { params: WorkspaceParam, ...jsonBody(AddMember) },
      responses: {
        201: json(Invitation, 'Invited: the same answer whether or not the email has an account'),
      },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'administer')
      const origin = originOf(c, c.get('deps').trustedProxies)
      return c.json(await members.addMember(db, scope, c.req.valid('json'), { origin, now }), 201)
    },
  )
  .openapi(
    route('members', {
      method: 'post',
      path: '/{workspace}/members/{userId}/password-reset',
      request: { params: MemberParam },
      responses: {
        201: json(AccountLink, 'A one-time link through which the member chooses a new password'),
      },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'administer')
      const origin = originOf(c, c.get('deps').trustedProxies)
      return c.json(
        await members.issuePasswordReset(db, scope, c.req.valid('param').userId, { origin, now }),
        201,
      )
    },
  )
  .openapi(
    route('members', {
      method: 'patch',
      path: '/{workspace}/members/{userId}',
      request: { params: MemberParam, ...jsonBody(UpdateMember) },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'administer')
      await members.updateMember(db, scope, c.req.valid('param').userId, c.req.valid('json').role)
      return c.body(null, 204)
    },
  )
  .openapi(
    route('members', {
      method: 'delete',
      path: '/{workspace}/members/{userId}',
      request: { params: MemberParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'administer')
      await members.updateMember(db, scope, c.req.valid('param').userId, null)
      return c.body(null, 204)
    },
  )

  .openapi(
    route('api-keys', {
      method: 'get',
      path: '/{workspace}/api-keys',
      request: { params: WorkspaceParam },
      responses: { 200: json(z.object({ items: z.array(ApiKey) }), 'Keys, with last use') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'administer')
      return c.json({ items: await members.listApiKeys(db, scope) }, 200)
    },
  )
  .openapi(
    route('api-keys', {
      method: 'post',
      path: '/{workspace}/api-keys',
      request: { params: WorkspaceParam, ...jsonBody(CreateApiKey) },
      responses: { 201: json(CreatedApiKey, 'Created; the key is shown this once') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'administer')
      return c.json(await members.createApiKey(db, scope, c.req.valid('json').name), 201)
    },
  )
  .openapi(
    route('api-keys', {
      method: 'delete',
      path: '/{workspace}/api-keys/{id}',
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'administer')
      await members.revokeApiKey(db, scope, c.req.valid('param').id, now)
      return c.body(null, 204)
    },
  )

  .openapi(
    route('comments', {
      method: 'get',
      path: '/{workspace}/comments',
      request: { params: WorkspaceParam, query: CommentQuery },
      responses: { 200: json(page(Comment, 'CommentPage'), 'Comments on one object, oldest first') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      const { subjectType, subjectId, limit, cursor } = c.req.valid('query')
      return c.json(await members.listComments(db, scope, { subjectType, subjectId }, { limit, cursor }), 200)
    },
  )
  .openapi(
    route('comments', {
      method: 'post',
      path: '/{workspace}/comments',
      request: { params: WorkspaceParam, ...jsonBody(CreateComment) },
      responses: { 201: json(Comment, 'Added') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'comment')
      return c.json(await members.addComment(db, scope, c.req.valid('json')), 201)
    },
  )

  .openapi(
    route('audit', {
      method: 'get',
      path: '/{workspace}/audit',
      request: { params: WorkspaceParam, query: AuditQuery },
      responses: {
        200: json(
          page(AuditEntry, 'AuditPage'),
          'The audit trail, newest first; secrets and URLs are hidden from all but admins',
        ),
      },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      const filter = { ...c.req.valid('query'), redact: !can(scope, 'administer') }
      return c.json(await listAudit(db, scope.workspaceId, filter), 200)
    },
  )
