import { get } from 'svelte/store'
import { _ } from 'svelte-i18n'
import { toasts } from '$lib/state/toasts.svelte'
import { ApiError } from './api-error'

/**
 * The message to show for an error: our own wording for the few codes the interface knows
 * (`errors.code.<code>` in the catalog), else the server's message, which is written for people.
 */
export function errorMessage(error: unknown): string {
  const translate = get(_)
  if (error instanceof ApiError) {
    const key = `errors.code.${error.code}`
    const known = translate(key)
    if (known !== key) return known
    if (error.status === 0) return translate('errors.network')
    return error.message || translate('errors.generic')
  }
  return translate('errors.generic')
}

/**
 * Shows what went wrong in a toast and returns the error as an ApiError, so a form can put the
 * `details` beside their fields. Never swallows: the caller still decides what happens next.
 */
export function handleError(error: unknown): ApiError {
  if (!(error instanceof ApiError)) console.error(error)
  const apiError =
    error instanceof ApiError
      ? error
      : new ApiError(0, 'client', error instanceof Error ? error.message : String(error))
  if (apiError.status !== 401) toasts.show('error', errorMessage(error))
  return apiError
}
