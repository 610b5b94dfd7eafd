import { get } from 'svelte/store'
import { startResults } from '$lib/api/early-results'
import { appLocale, setupI18n } from '$lib/i18n'
import { session } from '$lib/state/session.svelte'
import type { LayoutLoad } from './$types'

// A single-page app: the server answers every page path with index.html and the API under /api.
export const ssr = false
export const prerender = false
export const trailingSlash = 'never'

export const load: LayoutLoad = async ({ route, params, untrack }) => {
  setupI18n()
  // Opened on a test page: its results are asked for now, beside the session (see early-results).
  // Untracked, so later navigations do not run this layout again.
  untrack(() => {
    const id = Number(params.id)
    if (route.id === '/w/[workspace]/tests/[id]' && params.workspace && Number.isInteger(id) && id > 0) {
      startResults(params.workspace, id, get(appLocale))
    }
  })
  try {
    await session.ensureLoaded()
  } catch {
    // The API is unreachable: pages that need it say so; the calculators page still opens.
  }
  return {}
}
