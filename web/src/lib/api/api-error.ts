/** One field-level problem, as the server reports it: `path` is the zod issue path joined by dots. */
export interface ApiErrorDetail {
  path: string
  message: string
  /** For refused CSV rows: the line in the file, and the field at fault. */
  row?: number
  field?: string
}

/** Body of every error reply: `{"error": {code, message, details}}`. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: ApiErrorDetail[] }
}

/**
 * An error reply from the API, or a failure to reach it (status 0, code `network`).
 * `code` is the server's stable code (`validation_failed`, `test_plan_frozen`, …).
 */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: readonly ApiErrorDetail[]

  constructor(status: number, code: string, message: string, details: readonly ApiErrorDetail[] = []) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }

  /**
   * Messages keyed by field path (`body.ice.impact` → `ice.impact`), for showing beside the field
   * they concern.
   */
  fieldErrors(): Record<string, string> {
    const byPath: Record<string, string> = {}
    for (const detail of this.details) {
      const key = detail.path.replace(/^(body|query|param)\.?/, '') || '_'
      byPath[key] = byPath[key] ? `${byPath[key]} ${detail.message}` : detail.message
    }
    return byPath
  }
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false
  const error = (value as { error: unknown }).error
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  )
}
