import { loadOrFail } from '$lib/api/load'
import type { PageLoad } from './$types'

export const load: PageLoad = async ({ parent, url }) => {
  const { ws } = await parent()
  const [segments, journeys] = await loadOrFail(Promise.all([ws.segments.list(), ws.journeys.list()]), url)
  const asked = Number(url.searchParams.get('segment'))
  const segmentId = segments.some((segment) => segment.id === asked) ? asked : (segments[0]?.id ?? null)
  return { segments, journeys, segmentId }
}
