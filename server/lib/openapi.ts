import { createRoute, type RouteConfig, type z } from '@hono/zod-openapi'
import { ErrorBody } from '../schemas/common.ts'

const error = (description: string) => ({
  content: { 'application/json': { schema: ErrorBody } },
  description,
})

/** Every error a workspace route may answer; each route declares them once, here. */
export const errorResponses = {
  400: error('Invalid input: the details name each field'),
  401: error('Not signed in'),
  403: error('Your role does not allow this'),
  404: error('Not found (or not yours)'),
  409: error('Duplicate or wrong state'),
  413: error('Request too large'),
  415: error('The body is neither JSON nor, where taken, CSV'),
  422: error('Against a pipeline rule'),
} as const

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
})

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
})

export const noContent = { description: 'Done' }

/** createRoute with the shared error responses and the resource's tag. */
export function route<
  const R extends Omit<RouteConfig, 'responses'> & { responses: RouteConfig['responses'] },
>(tag: string, config: R) {
  return createRoute({
    ...config,
    tags: [tag],
    responses: { ...errorResponses, ...config.responses },
  } as R & {
    responses: R['responses'] & typeof errorResponses
  })
}
