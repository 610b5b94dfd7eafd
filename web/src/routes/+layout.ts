import { setupI18n } from '$lib/i18n'
import { session } from '$lib/state/session.svelte'
import type { LayoutLoad } from './$types'

// A single-page app: the server answers every page path with index.html and the API under /api.
export const ssr = false
export const prerender = false
export const trailingSlash = 'never'

export const load: LayoutLoad = async () => {
  setupI18n()
  try {
    await session.ensureLoaded()
  } catch {
    // The API is unreachable: pages that need it say so; the calculators page still opens.
  }
  return {}
}
