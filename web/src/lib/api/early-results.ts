import { api } from './index'
import type { Id, TestResults } from './types'

// A test's results are the slowest read of the app (most of a second for a million deals). When
// the app opens on a test page they are asked for by the root layout, as soon as the app's code
// runs, instead of once the page's own code has arrived; the page then takes that request over.
const pending = new Map<string, Promise<TestResults>>()
const keyOf = (slug: string, id: Id, lang: string) => `${slug}/${id}/${lang}`

/** Starts reading a test's results unless that read is already under way. */
export function startResults(slug: string, id: Id, lang: 'en' | 'ru'): void {
  const key = keyOf(slug, id, lang)
  if (pending.has(key)) return
  const promise = api.workspace(slug).tests.results(id, lang)
  // Whoever takes it shows the failure; until then it is not an unhandled rejection.
  promise.catch(() => undefined)
  pending.set(key, promise)
}

/** The read started for this test and language (once: a later call starts a fresh one). */
export function takeResults(slug: string, id: Id, lang: 'en' | 'ru'): Promise<TestResults> {
  startResults(slug, id, lang)
  const key = keyOf(slug, id, lang)
  const promise = pending.get(key)!
  pending.delete(key)
  return promise
}
