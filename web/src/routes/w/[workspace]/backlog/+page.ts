import { HYPOTHESIS_STATUSES, type HypothesisStatus } from '$lib/api'
import { loadOrFail } from '$lib/api/load'
import type { PageLoad } from './$types'

export type BacklogSort = 'score' | 'score-asc' | 'newest'

export const load: PageLoad = async ({ parent, url }) => {
  const { ws } = await parent()
  const rawStatus = url.searchParams.get('status')
  const status = (HYPOTHESIS_STATUSES as readonly string[]).includes(rawStatus ?? '')
    ? (rawStatus as HypothesisStatus)
    : undefined
  const rawSort = url.searchParams.get('sort')
  const sort: BacklogSort = rawSort === 'score-asc' || rawSort === 'newest' ? rawSort : 'score'
  const hypotheses = await loadOrFail(ws.hypotheses.list({ status }), url)
  return { hypotheses, status, sort }
}
