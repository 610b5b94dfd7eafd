import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../context.ts'
import { json, jsonBody, noContent, route } from '../lib/openapi.ts'
import { validationHook } from '../lib/validation.ts'
import { IdParam, ListQuery, WorkspaceParam, page } from '../schemas/common.ts'
import {
  CreateJourney,
  CreateSegment,
  CreateStage,
  CreateTouchpoint,
  Journey,
  Segment,
  Stage,
  Touchpoint,
  UpdateJourney,
  UpdateSegment,
  UpdateStage,
  UpdateTouchpoint,
} from '../schemas/journey.ts'
import { Barrier, Recommendation } from '../schemas/barrier.ts'
import * as journeys from '../services/journeys.ts'
import { allow } from './scope.ts'

const JourneyMap = Journey.extend({
  stages: z.array(
    Stage.extend({
      touchpoints: z.array(Touchpoint),
      barriers: z.array(Barrier),
      recommendations: z.array(Recommendation),
    }),
  ),
}).openapi('JourneyMap')

export const segmentRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(
    route('segments', {
      method: 'get',
      path: '/{workspace}/segments',
      request: { params: WorkspaceParam, query: ListQuery },
      responses: { 200: json(page(Segment, 'SegmentPage'), 'Segments') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await journeys.listSegments(db, scope, c.req.valid('query')), 200)
    },
  )
  .openapi(
    route('segments', {
      method: 'post',
      path: '/{workspace}/segments',
      request: { params: WorkspaceParam, ...jsonBody(CreateSegment) },
      responses: { 201: json(Segment, 'Created') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(await journeys.createSegment(db, scope, c.req.valid('json')), 201)
    },
  )
  .openapi(
    route('segments', {
      method: 'get',
      path: '/{workspace}/segments/{id}',
      request: { params: IdParam },
      responses: { 200: json(Segment, 'The segment') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await journeys.getSegment(db, scope, c.req.valid('param').id), 200)
    },
  )
  .openapi(
    route('segments', {
      method: 'patch',
      path: '/{workspace}/segments/{id}',
      request: { params: IdParam, ...jsonBody(UpdateSegment) },
      responses: { 200: json(Segment, 'Updated') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(
        await journeys.updateSegment(db, scope, c.req.valid('param').id, c.req.valid('json')),
        200,
      )
    },
  )
  .openapi(
    route('segments', {
      method: 'delete',
      path: '/{workspace}/segments/{id}',
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      await journeys.deleteSegment(db, scope, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )

  .openapi(
    route('journeys', {
      method: 'get',
      path: '/{workspace}/journeys',
      request: { params: WorkspaceParam, query: ListQuery.extend({ segment: IdParam.shape.id.optional() }) },
      responses: { 200: json(page(Journey, 'JourneyPage'), 'Journeys') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await journeys.listJourneys(db, scope, c.req.valid('query')), 200)
    },
  )
  .openapi(
    route('journeys', {
      method: 'post',
      path: '/{workspace}/journeys',
      request: { params: WorkspaceParam, ...jsonBody(CreateJourney) },
      responses: { 201: json(Journey, 'Created') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(await journeys.createJourney(db, scope, c.req.valid('json')), 201)
    },
  )
  .openapi(
    route('journeys', {
      method: 'get',
      path: '/{workspace}/journeys/{id}',
      request: { params: IdParam },
      responses: {
        200: json(
          JourneyMap,
          'The journey map: stages in order with touchpoints, barriers and recommendations',
        ),
      },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await journeys.getJourneyMap(db, scope, c.req.valid('param').id), 200)
    },
  )
  .openapi(
    route('journeys', {
      method: 'patch',
      path: '/{workspace}/journeys/{id}',
      request: { params: IdParam, ...jsonBody(UpdateJourney) },
      responses: { 200: json(Journey, 'Updated') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(
        await journeys.updateJourney(db, scope, c.req.valid('param').id, c.req.valid('json')),
        200,
      )
    },
  )
  .openapi(
    route('journeys', {
      method: 'delete',
      path: '/{workspace}/journeys/{id}',
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      await journeys.deleteJourney(db, scope, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )

  .openapi(
    route('stages', {
      method: 'post',
      path: '/{workspace}/stages',
      request: { params: WorkspaceParam, ...jsonBody(CreateStage) },
      responses: { 201: json(Stage, 'Created; later stages move one place right') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(await journeys.createStage(db, scope, c.req.valid('json')), 201)
    },
  )
  .openapi(
    route('stages', {
      method: 'patch',
      path: '/{workspace}/stages/{id}',
      request: { params: IdParam, ...jsonBody(UpdateStage) },
      responses: { 200: json(Stage, 'Updated; a new position moves the stages between') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(await journeys.updateStage(db, scope, c.req.valid('param').id, c.req.valid('json')), 200)
    },
  )
  .openapi(
    route('stages', {
      method: 'delete',
      path: '/{workspace}/stages/{id}',
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      await journeys.deleteStage(db, scope, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )

  .openapi(
    route('touchpoints', {
      method: 'get',
      path: '/{workspace}/touchpoints',
      request: { params: WorkspaceParam, query: ListQuery.extend({ stage: IdParam.shape.id.optional() }) },
      responses: { 200: json(page(Touchpoint, 'TouchpointPage'), 'Touchpoints') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'read')
      return c.json(await journeys.listTouchpoints(db, scope, c.req.valid('query')), 200)
    },
  )
  .openapi(
    route('touchpoints', {
      method: 'post',
      path: '/{workspace}/touchpoints',
      request: { params: WorkspaceParam, ...jsonBody(CreateTouchpoint) },
      responses: { 201: json(Touchpoint, 'Created') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(await journeys.createTouchpoint(db, scope, c.req.valid('json')), 201)
    },
  )
  .openapi(
    route('touchpoints', {
      method: 'patch',
      path: '/{workspace}/touchpoints/{id}',
      request: { params: IdParam, ...jsonBody(UpdateTouchpoint) },
      responses: { 200: json(Touchpoint, 'Updated') },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      return c.json(
        await journeys.updateTouchpoint(db, scope, c.req.valid('param').id, c.req.valid('json')),
        200,
      )
    },
  )
  .openapi(
    route('touchpoints', {
      method: 'delete',
      path: '/{workspace}/touchpoints/{id}',
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { db, scope } = allow(c, 'edit_pipeline')
      await journeys.deleteTouchpoint(db, scope, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
