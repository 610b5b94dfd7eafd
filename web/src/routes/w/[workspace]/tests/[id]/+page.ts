import { error } from '@sveltejs/kit'
import { get } from 'svelte/store'
import { api, type TestResults } from '$lib/api'
import { takeResults } from '$lib/api/early-results'
import { loadOrFail } from '$lib/api/load'
import { appLocale, setupI18n, type AppLocale } from '$lib/i18n'
import type { PageLoad } from './$types'

/** The results the page starts with: asked for in `lang` while the page loads, shown when they come. */
export interface EarlyResults {
  lang: AppLocale
  promise: Promise<TestResults>
}

export const load: PageLoad = async ({ parent, params, url }) => {
  const id = Number(params.id)
  if (!Number.isInteger(id) || id <= 0) error(404, 'Not found')
  // The results are the slowest request of the page (a million-deal test takes most of a second),
  // so they and the test start at once, beside the session check of the layouts rather than after
  // it (the API takes the slug of the path as it is); the results may already be under way since
  // the root layout. A draft has no results; the page does not read them then.
  setupI18n()
  const early = api.workspace(params.workspace)
  const lang = get(appLocale)
  const results: EarlyResults = { lang, promise: takeResults(params.workspace, id, lang) }
  const [, test] = await loadOrFail(Promise.all([parent(), early.tests.get(id)]), url)
  // A decided test opens with its decision, and a close-out or a decision names who made it.
  const [hypothesis, decision, members] = await loadOrFail(
    Promise.all([
      early.hypotheses.get(test.hypothesisId),
      test.status === 'decided' ? early.tests.decision(id) : null,
      test.closeOut || test.status === 'decided' ? early.members.list() : [],
    ]),
    url,
  )
  return { test, hypothesis, results, decision, members }
}
