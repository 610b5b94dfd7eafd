import { ApiError, isApiErrorBody } from './api-error'

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
export type Query = Record<string, string | number | boolean | null | undefined>

/** Every path is relative to this prefix; the API shares the app's origin (a proxy in development). */
const API_PREFIX = '/api'

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
 * The one place the web app talks to the server. Sends JSON with the session cookie, returns the
 * parsed body (undefined for 204) and turns every failure into an {@link ApiError}.
 */
export async function request<T>(
  method: HttpMethod,
  path: string,
  options: { body?: unknown; query?: Query; signal?: AbortSignal } = {}
): Promise<T> {
  let response: Response
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        // The interface language, so the server may answer in it.
        'accept-language': document.documentElement.lang || 'en',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' })
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal
    })
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause))
  }

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
    if (response.status === 401 && !path.startsWith('/auth/')) {
      for (const listener of unauthorizedListeners) listener(error)
    }
    throw error
  }
  return parsed as T
}
