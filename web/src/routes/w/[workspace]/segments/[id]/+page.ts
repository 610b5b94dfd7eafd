import { error } from '@sveltejs/kit'
import { loadOrFail } from '$lib/api/load'
import type { PageLoad } from './$types'

export const load: PageLoad = async ({ parent, params, url }) => {
  const { ws } = await parent()
  const id = Number(params.id)
  if (!Number.isInteger(id) || id <= 0) error(404, 'Not found')
  return { segment: await loadOrFail(ws.segments.get(id), url) }
}
