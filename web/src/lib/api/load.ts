import { error, redirect } from '@sveltejs/kit'
import { ApiError } from './api-error'
import { errorMessage } from './handle-error'

/** Where to send someone who must sign in first, coming back here afterwards. */
export function signInPath(url: URL): string {
  return `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`
}

/**
 * For `load` functions: awaits the request and turns an API failure into SvelteKit's error page
 * (with the server's message) or, on 401, into a redirect to sign in.
 */
export async function loadOrFail<T>(promise: Promise<T>, url: URL): Promise<T> {
  try {
    return await promise
  } catch (cause) {
    if (cause instanceof ApiError) {
      if (cause.status === 401) redirect(307, signInPath(url))
      error(cause.status >= 400 ? cause.status : 503, errorMessage(cause))
    }
    throw cause
  }
}
