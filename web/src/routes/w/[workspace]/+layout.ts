import { error, redirect } from '@sveltejs/kit'
import { get } from 'svelte/store'
import { api } from '$lib/api'
import { signInPath } from '$lib/api/load'
import { _ } from '$lib/i18n'
import { session } from '$lib/state/session.svelte'
import type { LayoutLoad } from './$types'

export const load: LayoutLoad = async ({ parent, params, url }) => {
  await parent()
  if (session.status !== 'signedIn') redirect(307, signInPath(url))
  const membership = session.membership(params.workspace)
  if (!membership) error(404, get(_)('errors.workspaceNotFound'))
  session.rememberWorkspace(membership.slug)
  return { membership, ws: api.workspace(membership.slug) }
}
