import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { callerOf, SESSION_COOKIE } from '../auth/middleware.ts'
import type { AppEnv } from '../context.ts'
import { ApiError } from '../errors.ts'
import { errorResponses, json, jsonBody, noContent } from '../lib/openapi.ts'
import { ErrorBody } from '../schemas/common.ts'
import { validationHook } from '../lib/validation.ts'
import { Login, Me, SignedIn } from '../schemas/auth.ts'
import { describeMe, signIn, signOut, signOutEverywhere } from '../services/auth.ts'

const tags = ['auth']
const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags,
  request: jsonBody(Login),
  responses: {
    200: json(SignedIn, 'Signed in; sets the session cookie'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    413: errorResponses[413],
    415: errorResponses[415],
    429: json(ErrorBody, 'Too many failed attempts; Retry-After says when to try again'),
  },
})
const logout = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags,
  responses: {
    204: noContent,
    400: errorResponses[400],
    403: errorResponses[403],
    413: errorResponses[413],
    415: errorResponses[415],
  },
})
const logoutEverywhere = createRoute({
  method: 'post',
  path: '/auth/logout-everywhere',
  tags,
  responses: {
    204: noContent,
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    413: errorResponses[413],
    415: errorResponses[415],
  },
})
const me = createRoute({
  method: 'get',
  path: '/me',
  tags,
  responses: { 200: json(Me, 'The signed-in user and their workspaces'), 401: errorResponses[401] },
})

/** The peer's address when served by Node; requests made in-process (tests) share one bucket. */
function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'in-process'
  }
}

async function requireUser(c: Context<AppEnv>) {
  const auth = await callerOf(c)
  if (auth?.kind !== 'user') throw new ApiError(401, 'not_signed_in', 'Sign in first')
  return auth
}

export const authRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(login, async (c) => {
    const { email, password } = c.req.valid('json')
    const deps = c.get('deps')
    const session = await signIn(deps, email, password, clientAddress(c))
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
      expires: session.expiresAt,
    })
    return c.json({ user: session.user }, 200)
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
  .openapi(me, async (c) => c.json(await describeMe(c.get('deps').db, (await requireUser(c)).userId), 200))
