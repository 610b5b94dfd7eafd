import { describe, expect, it } from 'vitest'
import {
  formatDate,
  formatDateTime,
  formatInteger,
  formatInterval,
  formatMoney,
  moneyDigits,
  formatNumber,
  formatOpenInterval,
  formatPercent,
  formatPoints,
  formatPValue,
} from '../../web/src/lib/format.ts'

// Intl writes a no-break space (U+00A0) before "%" in Russian and a narrow no-break space
// (U+202F) or U+00A0 between thousands; normalise both to a plain space to compare.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ')

describe('formatPercent', () => {
  it('writes a Russian share with a comma and a spaced percent sign', () => {
    expect(plain(formatPercent(0.274, 'ru'))).toBe('27,4 %')
  })

  it('writes an English share with a point and no space', () => {
    expect(formatPercent(0.274, 'en')).toBe('27.4%')
  })

  it('signs changes when asked', () => {
    expect(formatPercent(0.031, 'en', { signed: true })).toBe('+3.1%')
    expect(formatPercent(-0.031, 'en', { signed: true })).toBe('-3.1%')
  })

  it('shows a dash for a missing value', () => {
    expect(formatPercent(null, 'en')).toBe('\u2014')
    expect(formatPercent(Number.NaN, 'ru')).toBe('\u2014')
  })
})

describe('formatDate', () => {
  it('writes a Russian date without the trailing year mark', () => {
    expect(formatDate('2026-11-22', 'ru')).toBe('22 нояб. 2026')
  })

  it('writes an English date month first', () => {
    expect(formatDate('2026-11-22', 'en')).toBe('Nov 22, 2026')
  })

  it('keeps a date-only string on its calendar day in any time zone', () => {
    expect(formatDate('2026-11-22', 'en', { timeZone: 'America/Los_Angeles' })).toBe('Nov 22, 2026')
    expect(formatDate('2026-11-22', 'en')).toBe('Nov 22, 2026')
  })

  it('formats a moment in the given time zone', () => {
    expect(formatDateTime('2026-11-22T14:05:00Z', 'en', { timeZone: 'UTC' })).toBe('Nov 22, 2026, 14:05')
    expect(formatDateTime('2026-11-22T14:05:00Z', 'ru', { timeZone: 'UTC' })).toBe('22 нояб. 2026, 14:05')
  })

  it('shows a dash for a missing or invalid date', () => {
    expect(formatDate(null, 'en')).toBe('\u2014')
    expect(formatDate('not a date', 'en')).toBe('\u2014')
  })
})

describe('formatNumber and formatInteger', () => {
  it('groups thousands the way each language does', () => {
    expect(plain(formatNumber(12345.678, 'ru'))).toBe('12 345,68')
    expect(formatNumber(12345.678, 'en')).toBe('12,345.68')
    expect(formatInteger(1499.6, 'en')).toBe('1,500')
  })
})

describe('formatMoney', () => {
  it('puts the rouble after a Russian amount, with a space', () => {
    expect(plain(formatMoney(1234, 'RUB', 'ru'))).toBe('1 234 ₽')
    expect(plain(formatMoney(1_290_000, 'RUB', 'ru'))).toBe('1 290 000 ₽')
  })

  it('puts the symbol before an English amount', () => {
    expect(formatMoney(1234, 'USD', 'en')).toBe('$1,234')
    expect(formatMoney(1234, 'EUR', 'en')).toBe('€1,234')
    expect(formatMoney(1234, 'RUB', 'en')).toBe('₽1,234')
  })

  it('writes euros and dollars after a Russian amount', () => {
    expect(plain(formatMoney(1234, 'EUR', 'ru'))).toBe('1 234 €')
    expect(plain(formatMoney(1234, 'USD', 'ru'))).toBe('1 234 $')
  })

  it('shows large sums in whole units and keeps the cents of small ones', () => {
    expect(formatMoney(12_345.67, 'EUR', 'en')).toBe('€12,346')
    expect(formatMoney(12.5, 'EUR', 'en')).toBe('€12.50')
    expect(plain(formatMoney(12.5, 'RUB', 'ru'))).toBe('12,50 ₽')
    expect(formatMoney(250, 'USD', 'en')).toBe('$250')
  })

  it('gives amounts shown together one precision: whole units once any is large', () => {
    expect(moneyDigits([698.23, 3988])).toBe(0)
    expect(moneyDigits([36.56, 411.3, null])).toBe(2)
    expect(moneyDigits([250, -40])).toBe(0)
    expect(formatMoney(698.23, 'EUR', 'en', { digits: moneyDigits([698.23, 3988]) })).toBe('€698')
  })

  it('writes negative amounts with a minus, and signs differences when asked', () => {
    expect(formatMoney(-1234, 'USD', 'en')).toBe('-$1,234')
    expect(plain(formatMoney(-1234, 'RUB', 'ru'))).toBe('-1 234 ₽')
    expect(formatMoney(1234, 'EUR', 'en', { signed: true })).toBe('+€1,234')
    expect(plain(formatMoney(-1234, 'RUB', 'ru', { signed: true }))).toBe('-1 234 ₽')
  })

  it('shortens large sums for chart axes when asked', () => {
    expect(formatMoney(1_290_000, 'EUR', 'en', { compact: true })).toBe('€1.3M')
    expect(plain(formatMoney(1_290_000, 'RUB', 'ru', { compact: true }))).toBe('1,3 млн ₽')
  })

  it('shows a dash for a missing amount', () => {
    expect(formatMoney(null, 'RUB', 'ru')).toBe('\u2014')
    expect(formatMoney(undefined, 'EUR', 'en')).toBe('\u2014')
    expect(formatMoney(Number.NaN, 'USD', 'en')).toBe('\u2014')
  })

  it('writes a code Intl does not know after the amount', () => {
    expect(plain(formatMoney(1234, 'EURO', 'en'))).toBe('1,234 EURO')
  })
})

describe('formatPoints', () => {
  it('writes a difference of shares in signed percentage points', () => {
    expect(formatPoints(0.031, 'en')).toBe('+3.1')
    expect(formatPoints(-0.0456, 'ru')).toBe('-4,6')
  })
})

describe('formatPValue', () => {
  it('gives three decimals', () => {
    expect(formatPValue(0.04321, 'en')).toBe('0.043')
    expect(formatPValue(0.04321, 'ru')).toBe('0,043')
  })

  it('floors tiny p-values at "< 0.001"', () => {
    expect(formatPValue(0.00001, 'en')).toBe('< 0.001')
  })
})

describe('formatInterval', () => {
  it('joins the two ends with an en dash', () => {
    const percent = (value: number) => formatPercent(value, 'en')
    expect(formatInterval([0.1, 0.25], percent)).toBe('10.0% \u2013 25.0%')
    expect(formatInterval(null, percent)).toBe('\u2014')
  })
})

describe('formatOpenInterval', () => {
  const percent = (value: number) => formatPercent(value, 'en', { signed: true })

  it('writes both ends when the interval is closed', () => {
    expect(formatOpenInterval([-0.093, 2.762], percent)).toBe('-9.3% \u2013 +276.2%')
  })

  it('writes an open upper end as infinity', () => {
    expect(formatOpenInterval([0.05, null], percent)).toBe('+5.0% \u2013 \u221e')
  })

  it('writes an open lower end as minus infinity', () => {
    expect(formatOpenInterval([null, 0.2], percent)).toBe('\u2212\u221e \u2013 +20.0%')
  })

  it('writes a dash when there is no interval, or no end at all', () => {
    expect(formatOpenInterval(null, percent)).toBe('\u2014')
    expect(formatOpenInterval([null, null], percent)).toBe('\u2014')
  })
})
