import { describe, expect, it } from 'vitest'
import { fromPercent, parseValues, readChoice, readNumber } from '../../web/src/lib/calculators/query.ts'

describe('readNumber', () => {
  it('reads a number, accepting a decimal comma', () => {
    const params = new URLSearchParams('baseline=15&mde=2,5&bad=x')
    expect(readNumber(params, 'baseline', null)).toBe(15)
    expect(readNumber(params, 'mde', null)).toBe(2.5)
  })

  it('falls back when the value is missing or not a number', () => {
    const params = new URLSearchParams('bad=x&empty=')
    expect(readNumber(params, 'bad', 5)).toBe(5)
    expect(readNumber(params, 'empty', 5)).toBe(5)
    expect(readNumber(params, 'absent', null)).toBeNull()
  })
})

describe('readChoice', () => {
  it('accepts only the listed values', () => {
    const params = new URLSearchParams('alt=greater&mode=weird')
    expect(readChoice(params, 'alt', ['two-sided', 'greater'] as const, 'two-sided')).toBe('greater')
    expect(readChoice(params, 'mode', ['summary', 'values'] as const, 'summary')).toBe('summary')
  })
})

describe('fromPercent', () => {
  it('turns a typed percent into a fraction', () => {
    expect(fromPercent(15)).toBeCloseTo(0.15, 12)
    expect(fromPercent(null)).toBeNull()
  })
})

describe('parseValues', () => {
  it('splits on spaces, new lines, semicolons and comma-space', () => {
    expect(parseValues('500 750\n1200; 980, 1500')).toEqual([500, 750, 1200, 980, 1500])
  })

  it('reads a decimal comma inside a number', () => {
    expect(parseValues('1250,5 99,9')).toEqual([1250.5, 99.9])
  })

  it('refuses text that is not numbers', () => {
    expect(parseValues('500 abc')).toBeNull()
  })

  it('gives an empty list for empty text', () => {
    expect(parseValues('  ')).toEqual([])
  })
})
