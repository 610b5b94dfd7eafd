import { loadOrFail } from '$lib/api/load'
import type { PageLoad } from './$types'

export const load: PageLoad = async ({ parent, url }) => {
  const { ws } = await parent()
  const [journeys, segments] = await loadOrFail(Promise.all([ws.journeys.list(), ws.segments.list()]), url)
  return { journeys, segments }
}
