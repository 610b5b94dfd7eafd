import { redirect } from '@sveltejs/kit'
import { session } from '$lib/state/session.svelte'
import type { PageLoad } from './$types'

export const load: PageLoad = async ({ parent }) => {
  await parent()
  if (session.status !== 'signedIn') redirect(307, '/sign-in')
  const workspace = session.defaultWorkspace()
  if (workspace) redirect(307, `/w/${encodeURIComponent(workspace.slug)}/journeys`)
  return {}
}
