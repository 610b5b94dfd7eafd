import { get } from 'svelte/store'
import { _ } from 'svelte-i18n'
import { toasts } from '$lib/state/toasts.svelte'
import { ApiError } from './api-error'

/**
 * The wording a form gives the errors it expects, as catalog keys: by the server's code
 * (`wrong_state`), or by the code and the path of one of its details
 * (`pipeline_rule:body.acknowledgeUnproven`), since one code covers several rules.
 */
export type KnownErrors = Readonly<Record<string, string>>

/**
 * The message to show for an error: the form's own wording for the errors it knows (`known`),
 * else ours for the few codes the whole interface knows (`errors.code.<code>` in the catalog),
 * else the server's message, which is written for people.
 */
export function errorMessage(error: unknown, known: KnownErrors = {}): string {
  const translate = get(_)
  if (error instanceof ApiError) {
    const own =
      error.details.map((detail) => known[`${error.code}:${detail.path}`]).find((key) => key) ??
      known[error.code]
    if (own) return translate(own)
    const key = `errors.code.${error.code}`
    const common = translate(key)
    if (common !== key) return common
    if (error.status === 0) return translate('errors.network')
    return error.message || translate('errors.generic')
  }
  return translate('errors.generic')
}

/**
 * Shows what went wrong in a toast and returns the error as an ApiError, so a form can put the
 * `details` beside their fields. Never swallows: the caller still decides what happens next.
 */
export function handleError(error: unknown, known: KnownErrors = {}): ApiError {
  if (!(error instanceof ApiError)) console.error(error)
  const apiError =
    error instanceof ApiError
      ? error
      : new ApiError(0, 'client', error instanceof Error ? error.message : String(error))
  if (apiError.status !== 401) toasts.show('error', errorMessage(error, known))
  return apiError
}
