import { randomUUID } from 'node:crypto'
import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { CSV_BODY_LIMIT } from './lib/csv-body.ts'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv, Deps } from './context.ts'
import { ApiError } from './errors.ts'
import { apiErrorFromDatabase } from './lib/database-errors.ts'
import { checkBodyEncoding, validationHook } from './lib/validation.ts'
import { parseTrustProxy } from './auth/client-address.ts'
import { callerOf, identify } from './auth/middleware.ts'
import { SignInThrottle } from './auth/rate-limit.ts'
import { trustProxyFromEnv } from './config.ts'
import { workspaceScope } from './auth/workspace-scope.ts'
import { authRoutes } from './routes/auth.ts'
import { calculatorRoutes } from './routes/calculators.ts'
import { workspaceRoutes } from './routes/workspace.ts'
import { docsPage } from './routes/docs.ts'

export const JSON_BODY_LIMIT = 10 * 1024 * 1024
/** CSV uploads of deals (a million rows is about 60 MB) get a larger limit than JSON. */
/** The only routes that take CSV (and its limit): a test's customer and deal uploads. */
const CSV_ROUTE = /^\/api\/workspaces\/[^/]+\/tests\/[^/]+\/(assignments|deals)\/csv$/
const CSV_TYPE = /^text\/csv\b/i
/** Routes under /api/auth that need a session: refused before their body is read. */
const SIGNED_IN_ONLY = new Set(['/api/auth/password', '/api/auth/logout-everywhere'])

export interface AppOptions {
  /** Logs each request's method, path, status and time. */
  logRequests?: boolean
  /** Serves this folder's single-page app for every path outside /api. */
  serveWeb?: (app: OpenAPIHono<AppEnv>) => void
}

function errorBody(err: ApiError, requestId?: string) {
  return {
    error: {
      code: err.code,
      message: err.message,
      details: err.details,
      ...(requestId ? { requestId } : {}),
    },
  }
}

/**
 * Builds the whole HTTP app from its dependencies; tests build their own with a test database.
 * `trustProxy` is TRUST_PROXY's value (server/config.ts), taken from the environment when not given.
 */
export function createApp(
  input: Omit<Deps, 'signInThrottle' | 'trustedProxies'> & {
    signInThrottle?: SignInThrottle
    trustProxy?: string
  },
  options: AppOptions = {},
) {
  const { trustProxy, signInThrottle, ...given } = input
  const deps: Deps = {
    ...given,
    signInThrottle: signInThrottle ?? new SignInThrottle(input.db),
    trustedProxies: parseTrustProxy(trustProxy ?? trustProxyFromEnv()),
  }
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

  app.use('*', async (c, next) => {
    c.set('deps', deps)
    c.set('requestId', c.req.header('x-request-id')?.slice(0, 64) || randomUUID())
    c.header('x-request-id', c.get('requestId'))
    const started = performance.now()
    await next()
    if (options.logRequests) {
      console.log(
        `${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`,
      )
    }
  })
  app.use('*', secureHeaders({ xFrameOptions: 'DENY', referrerPolicy: 'same-origin' }))
  // API replies are data, never documents: nothing in them may load or run (the docs page may use
  // its inline styles), and none may be kept by a browser or a shared cache (they are per user).
  // Set before the handler runs, so every reply, errors too, carries them without its headers
  // being copied afterwards.
  app.use('/api/*', async (c, next) => {
    c.header(
      'content-security-policy',
      c.req.path === '/api/docs'
        ? "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
        : "default-src 'none'; frame-ancestors 'none'",
    )
    c.header('cache-control', 'no-store')
    await next()
  })
  const tooLarge = (maxSize: number) =>
    new ApiError(413, 'payload_too_large', `The body is larger than ${maxSize / 1024 / 1024} MB`)
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw tooLarge(maxSize)
      },
    })
  const jsonLimit = limit(JSON_BODY_LIMIT)
  // A body is judged by its declared type and length before any of it is read: CSV only on the
  // CSV upload routes (with their larger limit), everything else JSON within its limit.
  const bodyMax = (c: Context<AppEnv>) =>
    CSV_TYPE.test(c.req.header('content-type') ?? '') ? CSV_BODY_LIMIT : JSON_BODY_LIMIT
  const hasBody = (c: Context<AppEnv>) => !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)
  app.use('/api/*', async (c, next) => {
    if (!hasBody(c)) return next()
    const maxSize = bodyMax(c)
    if (maxSize === CSV_BODY_LIMIT && !(c.req.method === 'POST' && CSV_ROUTE.test(c.req.path)))
      throw new ApiError(
        415,
        'unsupported_media_type',
        'Only the …/assignments/csv and …/deals/csv uploads take CSV; send this body as application/json',
      )
    if (maxSize !== CSV_BODY_LIMIT && c.req.method === 'POST' && CSV_ROUTE.test(c.req.path))
      throw new ApiError(415, 'unsupported_media_type', 'This upload takes a CSV file: send it as text/csv')
    // A declared length is checked here (Node's parser then holds the body to it); a chunked body
    // is counted as it streams in, once the caller is known (below).
    const length = c.req.header('content-length')
    if (length !== undefined && !c.req.header('transfer-encoding') && Number(length) > maxSize)
      throw tooLarge(maxSize)
    await next()
  })
  // While the database is known to be down, answer at once instead of letting requests queue.
  app.use('/api/*', async (c, next) => {
    if (
      deps.databaseHealth &&
      !deps.databaseHealth.isUp() &&
      c.req.path !== '/api/health' &&
      !c.req.path.startsWith('/api/calculators/')
    ) {
      throw new ApiError(503, 'database_unavailable', 'The database is unavailable; try again shortly')
    }
    await next()
  })
  app.use('/api/*', identify)
  // Who the caller is, and their standing in the workspace, is settled before any body is read: an
  // anonymous or foreign upload is answered 401 or 404 without the server holding it.
  // Registered on its own, not in the router chain: a `.use` inside the chain would erase the
  // routes' types from AppType, which the web client is typed from.
  app.use('/api/workspaces/:workspace/*', workspaceScope)
  app.use('/api/auth/*', async (c, next) => {
    if (SIGNED_IN_ONLY.has(c.req.path) && (await callerOf(c))?.kind !== 'user')
      throw new ApiError(401, 'not_signed_in', 'Sign in first')
    await next()
  })
  // Hono's counter reads the whole body through a web stream as soon as it is installed, so it is
  // installed only here, after the caller has been checked, and only for a JSON body without a
  // declared length; a body of declared length costs no copy. A CSV upload is never read whole:
  // its route streams it, counting it against the limit and checking its UTF-8 as it goes
  // (lib/csv-body.ts).
  app.use('/api/*', (c, next) =>
    hasBody(c) &&
    bodyMax(c) === JSON_BODY_LIMIT &&
    (c.req.header('content-length') === undefined || c.req.header('transfer-encoding'))
      ? jsonLimit(c, next)
      : next(),
  )
  app.use('/api/*', (c, next) => (bodyMax(c) === CSV_BODY_LIMIT ? next() : checkBodyEncoding(c, next)))

  app.onError((err, c) => {
    const requestId = c.get('requestId')
    if (err instanceof ApiError) {
      const retryAfter = err.details.find((d) => d.path === 'retryAfter')?.message
      if (err.status === 429 && retryAfter) c.header('retry-after', retryAfter)
      return c.json(errorBody(err), err.status as ContentfulStatusCode)
    }
    if (err instanceof HTTPException) {
      const status = err.status
      const code =
        status === 400
          ? 'malformed_json'
          : status === 413
            ? 'payload_too_large'
            : status === 415
              ? 'unsupported_media_type'
              : 'invalid_input'
      const message = status === 400 ? 'The body is not valid JSON' : err.message || 'Bad request'
      return c.json(errorBody(new ApiError(status as 400, code, message)), status as ContentfulStatusCode)
    }
    // A StatsInputError here is the server's fault, not the caller's: the calculators refuse
    // impossible input at the edge with their schemas, and a service passes the statistics only
    // numbers they accept. It falls through to the logged 500 below.
    const mapped = apiErrorFromDatabase(err)
    if (mapped?.status === 503) deps.databaseHealth?.suspect()
    if (mapped) return c.json(errorBody(mapped, requestId), mapped.status as ContentfulStatusCode)
    console.error(`[${requestId}] ${c.req.method} ${c.req.path}`, err)
    return c.json(
      errorBody(
        new ApiError(500, 'internal', 'Internal error; the request id identifies it in the log'),
        requestId,
      ),
      500,
    )
  })
  app.notFound((c) =>
    c.json(errorBody(new ApiError(404, 'not_found', `No route ${c.req.method} ${c.req.path}`)), 404),
  )

  app.get('/api/health', (c) => {
    const up = deps.databaseHealth?.isUp() ?? true
    return c.json({ ok: up, database: up ? 'up' : 'down' }, up ? 200 : 503)
  })

  const routes = app
    .route('/api', authRoutes)
    .route('/api', calculatorRoutes)
    .route('/api/workspaces', workspaceRoutes)

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'cxw_session',
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' })

  const documentConfig = {
    openapi: '3.1.0',
    info: {
      title: 'CX experiment workbench API',
      version: '1',
      description: 'Journey maps, barriers, recommendations, hypotheses, control-group tests and decisions.',
    },
  }
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined
  const openApiDocument = () => (document ??= app.getOpenAPI31Document(documentConfig))
  app.get('/api/openapi.json', (c) => c.json(openApiDocument()))
  app.get('/api/docs', (c) => docsPage(c, openApiDocument()))

  options.serveWeb?.(app)
  return routes
}

export type AppType = ReturnType<typeof createApp>
