/** The stable error codes of the API: clients may branch on them, so they never change meaning. */
export type ErrorCode =
  | 'invalid_input'
  | 'malformed_json'
  | 'unsupported_media_type'
  | 'not_signed_in'
  | 'invalid_credentials'
  | 'too_many_attempts'
  | 'forbidden'
  | 'not_found'
  | 'duplicate'
  | 'in_use'
  | 'wrong_state'
  | 'test_plan_frozen'
  | 'unknown_reference'
  | 'rows_refused'
  | 'pipeline_rule'
  | 'close_out_required'
  | 'acknowledgement_required'
  | 'payload_too_large'
  | 'database_unavailable'
  | 'internal'

export interface ErrorDetail {
  path: string
  message: string
  /** For refused rows of a batch: the row (1-based; for CSV, the line in the file) and its field. */
  row?: number
  field?: string
  /** For refused rows: why, as a stable code (see RefusalCode in services/deals.ts). */
  code?: string
}

/** Thrown by services and middleware; `app.onError` turns it into `{error: {code, message, details}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503,
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`)
export const forbidden = (message = 'Your role does not allow this action') =>
  new ApiError(403, 'forbidden', message)
export const wrongState = (message: string) => new ApiError(409, 'wrong_state', message)
export const unknownReference = (path: string, what: string) =>
  new ApiError(422, 'unknown_reference', `${what} does not exist in this workspace`, [
    { path, message: `unknown ${what}` },
  ])
export const pipelineRule = (message: string, details: ErrorDetail[] = []) =>
  new ApiError(422, 'pipeline_rule', message, details)
