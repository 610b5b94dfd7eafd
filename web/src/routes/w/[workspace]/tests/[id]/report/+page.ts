import { error } from '@sveltejs/kit'
import { get } from 'svelte/store'
import { loadOrFail } from '$lib/api/load'
import { appLocale } from '$lib/i18n'
import type { PageLoad } from './$types'

export const load: PageLoad = async ({ parent, params, url }) => {
  const { ws } = await parent()
  const id = Number(params.id)
  if (!Number.isInteger(id) || id <= 0) error(404, 'Not found')
  const [test, decisions, members] = await loadOrFail(
    Promise.all([ws.tests.get(id), ws.tests.decisions(id), ws.members.list()]),
    url,
  )
  const [hypothesis, results] = await loadOrFail(
    Promise.all([ws.hypotheses.get(test.hypothesisId), ws.tests.results(id, get(appLocale))]),
    url,
  )
  return { test, hypothesis, results, decision: decisions.items.at(-1) ?? null, members }
}
