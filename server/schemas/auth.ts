import { z } from '@hono/zod-openapi'

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
        role: z.enum(['marketer', 'analyst', 'leader', 'admin']),
      }),
    ),
  })
  .openapi('Me')
