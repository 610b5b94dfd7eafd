import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { clientOf } from '../auth/client-address.ts'
import { callerOf, SESSION_COOKIE } from '../auth/middleware.ts'
import type { AppEnv } from '../context.ts'
import { ApiError } from '../errors.ts'
import { errorResponses, json, jsonBody, noContent } from '../lib/openapi.ts'
import { ErrorBody } from '../schemas/common.ts'
import { validationHook } from '../lib/validation.ts'
import { AcceptInvitation, ChangePassword, Login, Me, ResetPassword, SignedIn } from '../schemas/auth.ts'
import {
  acceptInvitation,
  changePassword,
  describeMe,
  resetPassword,
  signIn,
  signOut,
  signOutEverywhere,
  type SignedIn as Session,
} from '../services/auth.ts'

const tags = ['auth']
const bodyErrors = {
  400: errorResponses[400],
  403: errorResponses[403],
  413: errorResponses[413],
  415: errorResponses[415],
}
const tooManyAttempts = json(ErrorBody, 'Too many failed attempts; Retry-After says when to try again')

const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags,
  request: jsonBody(Login),
  responses: {
    200: json(SignedIn, 'Signed in; sets the session cookie'),
    ...bodyErrors,
    401: errorResponses[401],
    429: tooManyAttempts,
  },
})
const logout = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags,
  responses: { 204: noContent, ...bodyErrors },
})
const logoutEverywhere = createRoute({
  method: 'post',
  path: '/auth/logout-everywhere',
  tags,
  responses: { 204: noContent, ...bodyErrors, 401: errorResponses[401] },
})
const password = createRoute({
  method: 'post',
  path: '/auth/password',
  tags,
  description: "Changes the signed-in user's password; every other session of theirs ends.",
  request: jsonBody(ChangePassword),
  responses: { 204: noContent, ...bodyErrors, 401: errorResponses[401], 429: tooManyAttempts },
})
const invitation = createRoute({
  method: 'post',
  path: '/auth/accept-invitation',
  tags,
  description:
    'Takes the token of an invitation link: a person new here chooses their password (and name); one who has an account gives theirs. Signs in.',
  request: jsonBody(AcceptInvitation),
  responses: {
    200: json(SignedIn, 'Signed in; sets the session cookie'),
    ...bodyErrors,
    401: errorResponses[401],
    429: tooManyAttempts,
  },
})
const reset = createRoute({
  method: 'post',
  path: '/auth/reset-password',
  tags,
  description:
    'Takes the token of a reset link an admin issued and the new password; every session ends, and a new one starts.',
  request: jsonBody(ResetPassword),
  responses: { 200: json(SignedIn, 'Signed in; sets the session cookie'), ...bodyErrors },
})
const me = createRoute({
  method: 'get',
  path: '/me',
  tags,
  responses: { 200: json(Me, 'The signed-in user and their workspaces'), 401: errorResponses[401] },
})

async function requireUser(c: Context<AppEnv>) {
  const auth = await callerOf(c)
  if (auth?.kind !== 'user') throw new ApiError(401, 'not_signed_in', 'Sign in first')
  return auth
}

const addressOf = (c: Context<AppEnv>) => clientOf(c, c.get('deps').trustedProxies).address

/** Sets the session cookie: HttpOnly, SameSite=Lax, and Secure when the client came over TLS. */
function startSession(c: Context<AppEnv>, session: Session) {
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: clientOf(c, c.get('deps').trustedProxies).https,
    path: '/',
    expires: session.expiresAt,
  })
  return c.json({ user: session.user }, 200)
}

export const authRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(login, async (c) => {
    const { email, password } = c.req.valid('json')
    return startSession(c, await signIn(c.get('deps'), email, password, addressOf(c)))
  })
  .openapi(logout, async (c) => {
    const auth = await callerOf(c)
    if (auth?.kind === 'user') await signOut(c.get('deps').db, auth.tokenHash, c.get('deps').clock())
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.body(null, 204)
  })
  .openapi(logoutEverywhere, async (c) => {
    const auth = await requireUser(c)
    await signOutEverywhere(c.get('deps').db, auth.userId, c.get('deps').clock())
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.body(null, 204)
  })
  .openapi(password, async (c) => {
    const auth = await requireUser(c)
    await changePassword(c.get('deps'), auth, c.req.valid('json'), addressOf(c))
    return c.body(null, 204)
  })
  .openapi(invitation, async (c) =>
    startSession(c, await acceptInvitation(c.get('deps'), c.req.valid('json'), addressOf(c))),
  )
  .openapi(reset, async (c) => startSession(c, await resetPassword(c.get('deps'), c.req.valid('json'))))
  .openapi(me, async (c) => c.json(await describeMe(c.get('deps').db, (await requireUser(c)).userId), 200))
