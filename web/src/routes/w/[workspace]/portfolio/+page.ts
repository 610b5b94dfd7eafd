import { loadOrFail } from '$lib/api/load'
import type { PageLoad } from './$types'

export const load: PageLoad = async ({ parent, url }) => {
  const { ws } = await parent()
  const [tests, hypotheses] = await loadOrFail(Promise.all([ws.tests.list(), ws.hypotheses.list()]), url)
  return { tests, hypotheses }
}
