import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import en from '../../web/src/lib/i18n/en.json' with { type: 'json' }
import ru from '../../web/src/lib/i18n/ru.json' with { type: 'json' }
import { pickLocale } from '../../web/src/lib/i18n/locale.ts'
import { BarrierStatus } from '../../server/schemas/barrier.ts'
import { Check, PrimaryAnalysis, SampleSizeResult } from '../../server/schemas/calculators.ts'
import { TestResults } from '../../server/schemas/results.ts'
import { CloseOutOutcome, Decision, Verdict } from '../../server/schemas/test.ts'

type Catalog = { [key: string]: string | Catalog }

function keys(catalog: Catalog, prefix = ''): string[] {
  return Object.entries(catalog).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  )
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(svelte|ts)$/.test(name) ? [path] : []
  })
}

describe('message catalogs', () => {
  it('have the same keys in Russian and English', () => {
    expect(keys(ru as Catalog).sort()).toEqual(keys(en as Catalog).sort())
  })

  it('have a message for every literal key the interface asks for', () => {
    const known = new Set(keys(en as Catalog))
    const used = new Set<string>()
    for (const file of sourceFiles(join(import.meta.dirname, '../../web/src'))) {
      const text = readFileSync(file, 'utf8')
      // $_('key'), translate('key') and label: 'key' entries of nav tables.
      for (const match of text.matchAll(/(?<![\w.])(?:\$_|translate)\(\s*'([a-zA-Z][\w.-]*)'/g))
        used.add(match[1]!)
      for (const match of text.matchAll(/label: '([a-z]+\.[\w.]+)'/g)) used.add(match[1]!)
    }
    const missing = [...used].filter((key) => !known.has(key))
    expect(missing).toEqual([])
  })
})

describe('the words for what the server sends as codes', () => {
  const reasons = TestResults.shape.closeOut.shape.suggestion.unwrap().shape.reason.options
  const effects = Decision.shape.barrierEffect.unwrap().options
  const expected = [
    ...CloseOutOutcome.options.flatMap((code) => [
      `closeOut.outcomes.${code}`,
      `closeOut.outcomeHints.${code}`,
    ]),
    ...reasons.map((code) => `closeOut.reasons.${code}`),
    ...effects.flatMap((code) => [
      `decision.barrierEffects.${code}`,
      `decision.barrierEffectHints.${code}`,
      `decision.barrierEffectShown.${code}`,
    ]),
    ...Verdict.options.flatMap((code) => [`tests.verdicts.${code}`, `decision.verdictHints.${code}`]),
    ...BarrierStatus.options.map((code) => `journey.status.${code}`),
    ...TestResults.shape.headline.options.map((code) => `results.headline.${code}`),
    ...PrimaryAnalysis.shape.method.options.map((code) => `results.primary.methods.${code}`),
    ...SampleSizeResult.shape.primaryMethod.shape.reason.options.map(
      (code) => `design.primaryReasons.${code}`,
    ),
    ...PrimaryAnalysis.shape.alternative.options.map((code) => `results.primary.alternatives.${code}`),
    ...Check.shape.method.options.map((code) => `results.checkNames.${code}`),
    ...Check.shape.whyDifferent.options.map((code) => `results.whyDifferent.${code}`),
    ...Check.shape.measure.unwrap().options.map((code) => `results.measures.${code}`),
  ]

  it.each([
    ['en', en],
    ['ru', ru],
  ])('are all in the %s catalog', (_lang, catalog) => {
    const known = new Set(keys(catalog as Catalog))
    expect(expected.filter((key) => !known.has(key))).toEqual([])
  })
})

describe('pickLocale', () => {
  it('keeps the language chosen before', () => {
    expect(pickLocale('ru', ['en-US'])).toBe('ru')
  })

  it('takes the first supported browser language', () => {
    expect(pickLocale(null, ['de-DE', 'ru-RU', 'en'])).toBe('ru')
  })

  it('falls back to English', () => {
    expect(pickLocale('fr', ['de-DE'])).toBe('en')
  })
})
