import { z } from '@hono/zod-openapi'
import { Id, ListQuery, PathId, Timestamp, requiredText, text } from './common.ts'

export const RoleEnum = z.enum(['marketer', 'analyst', 'leader', 'admin'])

export const AddMember = z
  .object({
    email: z.string().trim().toLowerCase().max(254).email('must be an email address'),
    name: requiredText(200)
      .optional()
      .describe('How to call a person who has no account yet, until they give their own name'),
    role: RoleEnum,
  })
  .strict()
  .openapi('AddMember')
export const UpdateMember = z.object({ role: RoleEnum }).strict().openapi('UpdateMember')
export const Member = z
  .object({ userId: z.number(), email: z.string(), name: z.string(), role: RoleEnum, joinedAt: z.string() })
  .openapi('Member')
export const MemberParam = z.object({ workspace: z.string().min(1).max(64), userId: PathId })

export const AccountLink = z
  .object({
    link: z
      .string()
      .describe(
        'Pass it on to the person: it works once. It is shown here once, and written to the server log',
      ),
    expiresAt: Timestamp,
  })
  .openapi('AccountLink')
export const Invitation = z
  .object({
    userId: z.number(),
    email: z.string(),
    role: RoleEnum,
    joinedAt: Timestamp,
    invitation: AccountLink.describe(
      'Opens the workspace: a person new here chooses their password through it, one who has an account signs in with theirs',
    ),
  })
  .openapi('Invitation')

export const CreateApiKey = z
  .object({ name: requiredText(200) })
  .strict()
  .openapi('CreateApiKey')
export const ApiKey = z
  .object({
    id: z.number(),
    name: z.string(),
    prefix: z.string().describe('The first characters, to recognise the key'),
    scopes: z.array(z.string()),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey')
export const CreatedApiKey = ApiKey.extend({ key: z.string().describe('Shown once; store it now') }).openapi(
  'CreatedApiKey',
)

export const CommentSubject = z.enum(['barrier', 'recommendation', 'hypothesis', 'test', 'decision'])
export const CreateComment = z
  .object({ subjectType: CommentSubject, subjectId: Id, body: requiredText(4000) })
  .strict()
  .openapi('CreateComment')
export const CommentQuery = ListQuery.extend({ subjectType: CommentSubject, subjectId: PathId })
export const Comment = z
  .object({
    id: z.number(),
    subjectType: CommentSubject,
    subjectId: z.number(),
    authorId: z.number().nullable(),
    body: z.string(),
    createdAt: z.string(),
  })
  .openapi('Comment')

export const AuditQuery = ListQuery.extend({
  subjectType: text(40).optional(),
  subjectId: PathId.optional(),
})
export const AuditEntry = z
  .object({
    id: z.number(),
    action: z.string(),
    subjectType: z.string(),
    subjectId: z.number().nullable(),
    actor: z.object({
      userId: z.number().nullable(),
      email: z.string().nullable(),
      apiKeyId: z.number().nullable(),
    }),
    before: z.unknown(),
    after: z.unknown(),
    reason: z.string().nullable(),
    at: z.string(),
  })
  .openapi('AuditEntry')
