import { ApiError, isApiErrorBody } from './api-error'

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
export type Query = Record<string, string | number | boolean | null | undefined>

/** Every path is relative to this prefix; the API shares the app's origin (a proxy in development). */
export const API_PREFIX = '/api'

type UnauthorizedListener = (error: ApiError) => void
const unauthorizedListeners = new Set<UnauthorizedListener>()

/** Called whenever a request comes back 401, so the session can drop its user and ask to sign in. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener)
  return () => unauthorizedListeners.delete(listener)
}

function buildUrl(path: string, query?: Query): string {
  const url = new URL(API_PREFIX + path, window.location.origin)
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value))
  }
  return url.pathname + url.search
}

/**
 * `fetch` as every API call makes it: with the session cookie, asking for JSON in the interface
 * language, and with a failure to reach the server turned into an {@link ApiError} (status 0).
 * The typed client (`hc`) is given this function, so both clients send alike.
 */
export const apiFetch: typeof fetch = async (input, init = {}) => {
  const headers = new Headers(init.headers)
  if (!headers.has('accept')) headers.set('accept', 'application/json')
  // The interface language, so the server may answer in it.
  if (!headers.has('accept-language')) headers.set('accept-language', document.documentElement.lang || 'en')
  try {
    return await fetch(input, { ...init, headers, credentials: 'same-origin' })
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause))
  }
}

/**
 * The one place a reply becomes a value or an error: the parsed JSON body (undefined for 204),
 * or an {@link ApiError} with the server's code, message and details. A 401 outside /auth/ tells
 * the session listeners.
 */
export async function readResponse<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T
  const text = await response.text()
  let parsed: unknown = undefined
  if (text) {
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
  }
  if (!response.ok) {
    const error = isApiErrorBody(parsed)
      ? new ApiError(response.status, parsed.error.code, parsed.error.message, parsed.error.details ?? [])
      : new ApiError(response.status, `http_${response.status}`, response.statusText || text.slice(0, 200))
    const path = response.url ? new URL(response.url, window.location.origin).pathname : ''
    if (response.status === 401 && !path.startsWith(`${API_PREFIX}/auth/`)) {
      for (const listener of unauthorizedListeners) listener(error)
    }
    throw error
  }
  return (parsed === undefined && text ? text : parsed) as T
}

/**
 * An untyped request, for the few endpoints the typed client cannot describe (see index.ts):
 * sends JSON and returns the parsed body as `T`.
 */
export async function request<T>(
  method: HttpMethod,
  path: string,
  options: { body?: unknown; query?: Query; signal?: AbortSignal } = {},
): Promise<T> {
  const response = await apiFetch(buildUrl(path, options.query), {
    method,
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  })
  return readResponse<T>(response)
}
