import { OpenAPIHono } from '@hono/zod-openapi'
import { workspaceScope } from '../auth/workspace-scope.ts'
import type { AppEnv } from '../context.ts'
import { validationHook } from '../lib/validation.ts'
import { adminRoutes } from './admin.ts'
import { barrierRoutes } from './barriers.ts'
import { engineRoutes } from './engine.ts'
import { hypothesisRoutes } from './hypotheses.ts'
import { segmentRoutes } from './segments.ts'
import { settingsRoutes } from './settings.ts'
import { testRoutes } from './tests.ts'

/** Everything under /api/workspaces/:workspace/, behind the membership (or API key) check. */
export const workspaceRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .use('/:workspace/*', workspaceScope)
  .route('/', segmentRoutes)
  .route('/', barrierRoutes)
  .route('/', hypothesisRoutes)
  .route('/', testRoutes)
  .route('/', engineRoutes)
  .route('/', adminRoutes)
  .route('/', settingsRoutes)
