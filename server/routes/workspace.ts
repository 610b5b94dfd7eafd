import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import { validationHook } from '../lib/validation.ts'
import { adminRoutes } from './admin.ts'
import { barrierRoutes } from './barriers.ts'
import { assignmentRoutes } from './assignments.ts'
import { dealRoutes } from './deals.ts'
import { resultRoutes } from './results.ts'
import { hypothesisRoutes } from './hypotheses.ts'
import { segmentRoutes } from './segments.ts'
import { settingsRoutes } from './settings.ts'
import { testRoutes } from './tests.ts'

/** Everything under /api/workspaces/:workspace/; app.ts puts the membership (or API key) check in front. */
export const workspaceRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .route('/', segmentRoutes)
  .route('/', barrierRoutes)
  .route('/', hypothesisRoutes)
  .route('/', testRoutes)
  .route('/', assignmentRoutes)
  .route('/', dealRoutes)
  .route('/', resultRoutes)
  .route('/', adminRoutes)
  .route('/', settingsRoutes)
