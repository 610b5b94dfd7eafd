import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import { json, jsonBody, noContent, route } from '../lib/openapi.ts'
import { validationHook } from '../lib/validation.ts'
import {
  Barrier,
  BarrierQuery,
  CreateBarrier,
  CreateRecommendation,
  Recommendation,
  RecommendationQuery,
  UpdateBarrier,
  UpdateRecommendation,
} from '../schemas/barrier.ts'
import { IdParam, WorkspaceParam, page } from '../schemas/common.ts'
import * as barriers from '../services/barriers.ts'
import { allow } from './scope.ts'

export const barrierRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(
    route('barriers', {
      method: 'get',
      path: '/{workspace}/barriers',
      request: { params: WorkspaceParam, query: BarrierQuery },
      responses: {
        200: json(page(Barrier, 'BarrierPage'), 'Barriers, filtered by stage, journey or status'),
      },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await barriers.listBarriers(db, scope, c.req.valid('query')), 200)
    },
  )
  .openapi(
    route('barriers', {
      method: 'post',
      path: '/{workspace}/barriers',
      request: { params: WorkspaceParam, ...jsonBody(CreateBarrier) },
      responses: { 201: json(Barrier, 'Created') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(await barriers.createBarrier(db, scope, c.req.valid('json')), 201)
    },
  )
  .openapi(
    route('barriers', {
      method: 'get',
      path: '/{workspace}/barriers/{id}',
      request: { params: IdParam },
      responses: { 200: json(Barrier, 'The barrier with its chain downstream') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await barriers.getBarrier(db, scope, c.req.valid('param').id), 200)
    },
  )
  .openapi(
    route('barriers', {
      method: 'patch',
      path: '/{workspace}/barriers/{id}',
      request: { params: IdParam, ...jsonBody(UpdateBarrier) },
      responses: { 200: json(Barrier, 'Updated') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(
        await barriers.updateBarrier(db, scope, c.req.valid('param').id, c.req.valid('json')),
        200,
      )
    },
  )
  .openapi(
    route('barriers', {
      method: 'delete',
      path: '/{workspace}/barriers/{id}',
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      await barriers.deleteBarrier(db, scope, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )

  .openapi(
    route('recommendations', {
      method: 'get',
      path: '/{workspace}/recommendations',
      request: { params: WorkspaceParam, query: RecommendationQuery },
      responses: { 200: json(page(Recommendation, 'RecommendationPage'), 'Recommendations') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await barriers.listRecommendations(db, scope, c.req.valid('query')), 200)
    },
  )
  .openapi(
    route('recommendations', {
      method: 'post',
      path: '/{workspace}/recommendations',
      request: { params: WorkspaceParam, ...jsonBody(CreateRecommendation) },
      responses: { 201: json(Recommendation, 'Created') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(await barriers.createRecommendation(db, scope, c.req.valid('json')), 201)
    },
  )
  .openapi(
    route('recommendations', {
      method: 'get',
      path: '/{workspace}/recommendations/{id}',
      request: { params: IdParam },
      responses: { 200: json(Recommendation, 'The recommendation') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await barriers.getRecommendation(db, scope, c.req.valid('param').id), 200)
    },
  )
  .openapi(
    route('recommendations', {
      method: 'patch',
      path: '/{workspace}/recommendations/{id}',
      request: { params: IdParam, ...jsonBody(UpdateRecommendation) },
      responses: { 200: json(Recommendation, 'Updated') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(
        await barriers.updateRecommendation(db, scope, c.req.valid('param').id, c.req.valid('json')),
        200,
      )
    },
  )
  .openapi(
    route('recommendations', {
      method: 'delete',
      path: '/{workspace}/recommendations/{id}',
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      await barriers.deleteRecommendation(db, scope, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
