import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import { json, jsonBody, noContent, route } from '../lib/openapi.ts'
import { validationHook } from '../lib/validation.ts'
import { IdParam, WorkspaceParam, page } from '../schemas/common.ts'
import { CreateHypothesis, Hypothesis, HypothesisQuery, UpdateHypothesis } from '../schemas/hypothesis.ts'
import * as hypotheses from '../services/hypotheses.ts'
import { allow } from './scope.ts'

export const hypothesisRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(
    route('hypotheses', {
      method: 'get',
      path: '/{workspace}/hypotheses',
      request: { params: WorkspaceParam, query: HypothesisQuery },
      responses: { 200: json(page(Hypothesis, 'HypothesisPage'), 'The backlog') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await hypotheses.listHypotheses(db, scope, c.req.valid('query')), 200)
    },
  )
  .openapi(
    route('hypotheses', {
      method: 'post',
      path: '/{workspace}/hypotheses',
      request: { params: WorkspaceParam, ...jsonBody(CreateHypothesis) },
      responses: { 201: json(Hypothesis, 'Created') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(await hypotheses.createHypothesis(db, scope, c.req.valid('json')), 201)
    },
  )
  .openapi(
    route('hypotheses', {
      method: 'get',
      path: '/{workspace}/hypotheses/{id}',
      request: { params: IdParam },
      responses: { 200: json(Hypothesis, 'The hypothesis with its recommendation, barrier and tests') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await hypotheses.getHypothesis(db, scope, c.req.valid('param').id), 200)
    },
  )
  .openapi(
    route('hypotheses', {
      method: 'patch',
      path: '/{workspace}/hypotheses/{id}',
      request: { params: IdParam, ...jsonBody(UpdateHypothesis) },
      responses: { 200: json(Hypothesis, 'Updated') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(
        await hypotheses.updateHypothesis(db, scope, c.req.valid('param').id, c.req.valid('json')),
        200,
      )
    },
  )
  .openapi(
    route('hypotheses', {
      method: 'delete',
      path: '/{workspace}/hypotheses/{id}',
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      await hypotheses.deleteHypothesis(db, scope, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
