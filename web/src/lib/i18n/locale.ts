// Choosing the interface language, kept apart from the catalogs so it can be unit-tested.

export const LOCALES = ['en', 'ru'] as const
export type AppLocale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: AppLocale = 'en'

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/**
 * The language to start in: the one chosen before (kept in localStorage), else the first of the
 * browser's preferred languages that we have ("ru-RU" → "ru"), else English.
 */
export function pickLocale(stored: string | null | undefined, preferred: readonly string[]): AppLocale {
  if (isAppLocale(stored)) return stored
  for (const tag of preferred) {
    const language = tag.toLowerCase().split('-')[0]
    if (isAppLocale(language)) return language
  }
  return DEFAULT_LOCALE
}
