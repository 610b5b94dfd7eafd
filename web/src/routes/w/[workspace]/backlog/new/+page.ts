import { loadOrFail } from '$lib/api/load'
import type { PageLoad } from './$types'

export const load: PageLoad = async ({ parent, url }) => {
  const { ws } = await parent()
  const recommendations = await loadOrFail(ws.recommendations.list(), url)
  const wanted = Number(url.searchParams.get('recommendation'))
  const recommendationId = recommendations.some((item) => item.id === wanted) ? wanted : null
  return { recommendations, recommendationId }
}
