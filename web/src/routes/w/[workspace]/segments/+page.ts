import { loadOrFail } from '$lib/api/load'
import type { PageLoad } from './$types'

export const load: PageLoad = async ({ parent, url }) => {
  const { ws } = await parent()
  const [segments, journeys] = await loadOrFail(Promise.all([ws.segments.list(), ws.journeys.list()]), url)
  return { segments, journeys }
}
