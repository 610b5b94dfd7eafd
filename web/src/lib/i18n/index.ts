import { derived } from 'svelte/store'
import { addMessages, init, locale, _ } from 'svelte-i18n'
import { createFormatter } from '$lib/format'
import en from './en.json'
import ru from './ru.json'
import { DEFAULT_LOCALE, isAppLocale, pickLocale, type AppLocale } from './locale'

export { LOCALES, type AppLocale } from './locale'
export { _, locale }

const STORAGE_KEY = 'cx.locale'
let started = false

/** Loads both catalogs (they are small) and starts in the remembered or the browser's language. */
export function setupI18n(): void {
  if (started) return
  started = true
  addMessages('en', en)
  addMessages('ru', ru)
  const initial = pickLocale(readStored(), typeof navigator === 'undefined' ? [] : navigator.languages)
  void init({ fallbackLocale: DEFAULT_LOCALE, initialLocale: initial })
  document.documentElement.lang = initial
}

/** Switches the interface language and remembers the choice on this device. */
export function setLocale(next: AppLocale): void {
  void locale.set(next)
  document.documentElement.lang = next
  try {
    localStorage.setItem(STORAGE_KEY, next)
  } catch {
    // Storage may be disabled (private mode): the choice then lasts for this visit only.
  }
}

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}

/** The current language, narrowed to the ones we ship. */
export const appLocale = derived(locale, (value): AppLocale => (isAppLocale(value) ? value : DEFAULT_LOCALE))

/** Number, percent and date formatting for the current language: `$fmt.percent(0.274)`. */
export const fmt = derived(appLocale, (value) => createFormatter(value))
