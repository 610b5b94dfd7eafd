import { ApiError } from '../errors.ts'

// SQLSTATE codes the API answers in words; both postgres.js and PGlite put them on `.code`.
const UNIQUE_VIOLATION = '23505'
const FOREIGN_KEY_VIOLATION = '23503'
const CHECK_VIOLATION = '23514'
const NOT_NULL_VIOLATION = '23502'
const INVALID_TEXT = '22P02'
const NUMERIC_OUT_OF_RANGE = '22003'
const CONNECTION_CODES = new Set([
  '08000',
  '08003',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  'ECONNREFUSED',
  'ECONNRESET',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
])

/** Maps a database error that reached the edge to the API's answer, or undefined if it is a bug. */
export function apiErrorFromDatabase(err: unknown): ApiError | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined
  const code = String((err as { code: unknown }).code)
  // postgres.js names the constraint in `constraint_name`, PGlite in `constraint` (and may carry
  // either key without a value).
  const named = err as { constraint_name?: unknown; constraint?: unknown }
  const constraint = named.constraint_name ?? named.constraint
  const detail =
    typeof constraint === 'string' && constraint ? [{ path: constraint, message: 'constraint' }] : []
  if (code === UNIQUE_VIOLATION)
    return new ApiError(409, 'duplicate', 'Such an object already exists', detail)
  if (code === FOREIGN_KEY_VIOLATION) {
    return new ApiError(
      409,
      'in_use',
      'Other objects refer to this one, or it refers to one that does not exist',
      detail,
    )
  }
  if (
    code === CHECK_VIOLATION ||
    code === NOT_NULL_VIOLATION ||
    code === INVALID_TEXT ||
    code === NUMERIC_OUT_OF_RANGE
  ) {
    return new ApiError(422, 'pipeline_rule', 'The database refused a value out of its allowed range', detail)
  }
  if (CONNECTION_CODES.has(code)) {
    return new ApiError(503, 'database_unavailable', 'The database is unavailable; try again shortly')
  }
  return undefined
}
