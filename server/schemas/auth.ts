import { z } from '@hono/zod-openapi'
import { requiredText } from './common.ts'

export const Login = z
  .object({
    email: z.string().trim().min(3).max(254).email('must be an email address'),
    password: z.string().min(1).max(1000),
  })
  .strict()
  .openapi('Login')

export const User = z.object({ id: z.number(), email: z.string(), name: z.string() }).openapi('User')

export const SignedIn = z.object({ user: User }).openapi('SignedIn')

export const Me = z
  .object({
    user: User,
    workspaces: z.array(
      z.object({
        slug: z.string(),
        name: z.string(),
        locale: z.enum(['en', 'ru']),
        currency: z.string().describe('ISO 4217 code of the money amounts: RUB, EUR, USD…'),
        role: z.enum(['marketer', 'analyst', 'leader', 'admin']),
      }),
    ),
  })
  .openapi('Me')

/** A password a person chooses: long enough to resist guessing, short enough to hash quickly. */
const NewPassword = z.string().min(8, 'at least 8 characters').max(1000)
/** A one-time link's token, as it appears after `#token=` in the link. */
const LinkToken = z
  .string()
  .max(200)
  .regex(/^cxl_[A-Za-z0-9_-]+$/, 'must be the token of a link')

export const ChangePassword = z
  .object({ currentPassword: z.string().min(1).max(1000), newPassword: NewPassword })
  .strict()
  .openapi('ChangePassword')

export const AcceptInvitation = z
  .object({
    token: LinkToken,
    password: z
      .string()
      .min(1)
      .max(1000)
      .describe(
        'The password to choose (at least 8 characters); for a person who already has an account, their own',
      ),
    name: requiredText(200).optional().describe('Your name, as the members of your workspaces see it'),
  })
  .strict()
  .openapi('AcceptInvitation')

export const ResetPassword = z
  .object({ token: LinkToken, password: NewPassword })
  .strict()
  .openapi('ResetPassword')
