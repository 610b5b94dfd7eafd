import { describe, expect, it } from 'vitest'
import { formatNumber } from '../../web/src/lib/format.ts'
import { isBlank, parseNumber } from '../../web/src/lib/parse-number.ts'

describe('parseNumber in Russian', () => {
  it('reads the decimal comma', () => {
    expect(parseNumber('2,5', 'ru')).toBe(2.5)
    expect(parseNumber('0,125', 'ru')).toBe(0.125)
    expect(parseNumber('1,234', 'ru')).toBe(1.234)
  })

  it('reads a decimal dot as well', () => {
    expect(parseNumber('2.5', 'ru')).toBe(2.5)
  })

  it('reads thousands grouped by plain, no-break and narrow no-break spaces', () => {
    expect(parseNumber('2 416 353,00', 'ru')).toBe(2416353)
    expect(parseNumber('2\u00a0416\u00a0353,00', 'ru')).toBe(2416353)
    expect(parseNumber('2\u202f416\u202f353,5', 'ru')).toBe(2416353.5)
  })

  it('reads thousands grouped by dots before a decimal comma', () => {
    expect(parseNumber('2.416.353,00', 'ru')).toBe(2416353)
  })

  it('reads a pasted percent', () => {
    expect(parseNumber('12,5 %', 'ru')).toBe(12.5)
    expect(parseNumber('12,5\u00a0%', 'ru')).toBe(12.5)
    expect(parseNumber('12,5%', 'ru')).toBe(12.5)
  })

  it('reads what formatNumber writes', () => {
    expect(parseNumber(formatNumber(-1234567.25, 'ru'), 'ru')).toBe(-1234567.25)
  })
})

describe('parseNumber in English', () => {
  it('reads the decimal dot', () => {
    expect(parseNumber('2.5', 'en')).toBe(2.5)
    expect(parseNumber('.5', 'en')).toBe(0.5)
  })

  it('never turns a decimal comma into a larger number', () => {
    expect(parseNumber('2,5', 'en')).toBe(2.5)
    expect(parseNumber('0,125', 'en')).toBe(0.125)
    expect(parseNumber('12,50', 'en')).toBe(12.5)
  })

  it('reads thousands grouped by commas', () => {
    expect(parseNumber('1,234', 'en')).toBe(1234)
    expect(parseNumber('2,416,353.00', 'en')).toBe(2416353)
    expect(parseNumber('2,416,353', 'en')).toBe(2416353)
  })

  it('reads thousands grouped by spaces', () => {
    expect(parseNumber('2 416 353.5', 'en')).toBe(2416353.5)
    expect(parseNumber('2\u00a0416\u00a0353', 'en')).toBe(2416353)
  })

  it('reads a sign and a percent', () => {
    expect(parseNumber('12.5%', 'en')).toBe(12.5)
    expect(parseNumber(' -3.5 % ', 'en')).toBe(-3.5)
    expect(parseNumber('\u22123', 'en')).toBe(-3)
    expect(parseNumber('+7', 'en')).toBe(7)
  })

  it('reads what formatNumber writes', () => {
    expect(parseNumber(formatNumber(1234567.25, 'en'), 'en')).toBe(1234567.25)
  })
})

describe('parseNumber refuses what is not a number', () => {
  it.each(['', ' ', 'abc', '12a', '1e3', '-', '.', ',', '%', '1,2,3', '1 23', '12 5,5', '1.2.3', '1,5.5,5'])(
    'refuses %j',
    (text) => {
      expect(parseNumber(text, 'en')).toBeNull()
      expect(parseNumber(text, 'ru')).toBeNull()
    },
  )

  it('refuses two decimal marks of one kind after a group of the other', () => {
    expect(parseNumber('1,234.5.6', 'en')).toBeNull()
    expect(parseNumber('1.234,5,6', 'ru')).toBeNull()
  })

  it('refuses a misplaced group in English', () => {
    expect(parseNumber('12,34,567', 'en')).toBeNull()
  })
})

describe('isBlank', () => {
  it('is true for spaces of any kind only', () => {
    expect(isBlank(' \u00a0')).toBe(true)
    expect(isBlank('0')).toBe(false)
  })
})
