import { loadOrFail } from '$lib/api/load'
import type { PageLoad } from './$types'

/** Hypotheses that may get a test, and the segment of each (through its stage's journey), for its deal rate. */
export const load: PageLoad = async ({ parent, url }) => {
  const { ws } = await parent()
  const [hypotheses, segments, journeys] = await loadOrFail(
    Promise.all([ws.hypotheses.list(), ws.segments.list(), ws.journeys.list()]),
    url,
  )
  const maps = await loadOrFail(Promise.all(journeys.map((journey) => ws.journeys.get(journey.id))), url)
  const segmentOfStage: Record<number, number> = {}
  for (const map of maps) for (const stage of map.stages) segmentOfStage[stage.id] = map.segmentId
  const chosen = Number(url.searchParams.get('hypothesis'))
  return {
    hypotheses: hypotheses.filter((h) => ['draft', 'ready', 'testing', 'inconclusive'].includes(h.status)),
    segments,
    segmentOfStage,
    chosen: Number.isInteger(chosen) && chosen > 0 ? chosen : null,
  }
}
