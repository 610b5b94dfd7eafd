import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import { json, jsonBody, noContent, route } from '../lib/openapi.ts'
import { validationHook } from '../lib/validation.ts'
import { IdParam, WorkspaceParam, page } from '../schemas/common.ts'
import {
  CompleteTest,
  CreateCloseOut,
  CreateDecision,
  CreateTest,
  Decision,
  Test,
  TestQuery,
  UpdateTest,
} from '../schemas/test.ts'
import { getLatestDecision, listDecisions, recordDecision } from '../services/decisions.ts'
import { closeOutTest } from '../services/close-out.ts'
import * as tests from '../services/tests.ts'
import { allow } from './scope.ts'

const transition = (action: 'start' | 'pause' | 'resume', description: string) =>
  route('tests', {
    method: 'post',
    path: `/{workspace}/tests/{id}/${action}`,
    request: { params: IdParam },
    responses: { 200: json(Test, description) },
  })

export const testRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(
    route('tests', {
      method: 'get',
      path: '/{workspace}/tests',
      request: { params: WorkspaceParam, query: TestQuery },
      responses: { 200: json(page(Test, 'TestPage'), 'Tests') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await tests.listTests(db, scope, c.req.valid('query')), 200)
    },
  )
  .openapi(
    route('tests', {
      method: 'post',
      path: '/{workspace}/tests',
      request: { params: WorkspaceParam, ...jsonBody(CreateTest) },
      responses: { 201: json(Test, 'Designed (draft)') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'manage_tests')
      return c.json(await tests.createTest(db, scope, c.req.valid('json')), 201)
    },
  )
  .openapi(
    route('tests', {
      method: 'get',
      path: '/{workspace}/tests/{id}',
      request: { params: IdParam },
      responses: { 200: json(Test, 'The test') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await tests.getTest(db, scope, c.req.valid('param').id), 200)
    },
  )
  .openapi(
    route('tests', {
      method: 'patch',
      path: '/{workspace}/tests/{id}',
      request: { params: IdParam, ...jsonBody(UpdateTest) },
      responses: { 200: json(Test, 'Updated, or amended with a reason once started') },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'manage_tests')
      return c.json(await tests.updateTest(db, scope, c.req.valid('param').id, c.req.valid('json'), now), 200)
    },
  )
  .openapi(
    route('tests', {
      method: 'delete',
      path: '/{workspace}/tests/{id}',
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'manage_tests')
      await tests.deleteTest(db, scope, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  .openapi(transition('start', 'Started: the plan is frozen'), async (c) => {
    const { db, scope, now } = allow(c, 'manage_tests')
    return c.json(await tests.changeTestState(db, scope, c.req.valid('param').id, 'start', now), 200)
  })
  .openapi(transition('pause', 'Paused'), async (c) => {
    const { db, scope, now } = allow(c, 'manage_tests')
    return c.json(await tests.changeTestState(db, scope, c.req.valid('param').id, 'pause', now), 200)
  })
  .openapi(transition('resume', 'Running again'), async (c) => {
    const { db, scope, now } = allow(c, 'manage_tests')
    return c.json(await tests.changeTestState(db, scope, c.req.valid('param').id, 'resume', now), 200)
  })
  .openapi(
    route('tests', {
      method: 'post',
      path: '/{workspace}/tests/{id}/complete',
      request: {
        params: IdParam,
        body: { content: { 'application/json': { schema: CompleteTest } }, required: false },
      },
      responses: { 200: json(Test, 'Completed by hand; deals closed afterwards are late') },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'manage_tests')
      const reason = c.req.header('content-type') ? (c.req.valid('json').reason ?? null) : null
      const test = await tests.changeTestState(db, scope, c.req.valid('param').id, 'complete', now, reason)
      c.get('deps').webhooks?.kick()
      return c.json(test, 200)
    },
  )

  .openapi(
    route('tests', {
      method: 'post',
      path: '/{workspace}/tests/{id}/close-out',
      request: { params: IdParam, ...jsonBody(CreateCloseOut) },
      responses: {
        200: json(Test, 'Closed out: whether the hypothesis held, which its status now follows'),
      },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'manage_tests')
      const id = c.req.valid('param').id
      await closeOutTest(db, scope, id, c.req.valid('json'), now)
      return c.json(await tests.getTest(db, scope, id), 200)
    },
  )
  .openapi(
    route('decisions', {
      method: 'post',
      path: '/{workspace}/tests/{id}/decision',
      request: { params: IdParam, ...jsonBody(CreateDecision) },
      responses: { 201: json(Decision, 'Decided') },
    }),
    async (c) => {
      const { db, scope, now } = allow(c, 'decide')
      return c.json(await recordDecision(db, scope, c.req.valid('param').id, c.req.valid('json'), now), 201)
    },
  )
  .openapi(
    route('decisions', {
      method: 'get',
      path: '/{workspace}/tests/{id}/decision',
      request: { params: IdParam },
      responses: { 200: json(Decision, 'The latest decision') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await getLatestDecision(db, scope, c.req.valid('param').id), 200)
    },
  )
  .openapi(
    route('decisions', {
      method: 'get',
      path: '/{workspace}/tests/{id}/decisions',
      request: { params: IdParam },
      responses: { 200: json(z.object({ items: z.array(Decision) }), 'Every decision, oldest first') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json({ items: await listDecisions(db, scope, c.req.valid('param').id) }, 200)
    },
  )
