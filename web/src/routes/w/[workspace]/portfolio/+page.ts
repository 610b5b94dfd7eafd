import { get } from 'svelte/store'
import { loadOrFail } from '$lib/api/load'
import { appLocale } from '$lib/i18n'
import type { PageLoad } from './$types'

export const load: PageLoad = async ({ parent, url, depends }) => {
  depends('app:portfolio')
  const { ws } = await parent()
  // The verdicts' plain-language summaries are written by the server, in the interface language.
  const lang = get(appLocale)
  const portfolio = await loadOrFail(ws.portfolio(lang), url)
  return { portfolio, lang }
}
