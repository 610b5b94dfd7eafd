// Reading a number the way people type or paste it: "12,5 %" and "2 416 353,00" in Russian,
// "12.5%" and "2,416,353.00" in English. Pure: the locale is passed in.

import type { FormatLocale } from './format.ts'

const SPACES = /[\s\u00a0\u202f\u2007\u2009]/g
const MINUS = /^[-\u2212]/

/** Whether a field's text holds nothing but spaces: an empty value, not a wrong one. */
export function isBlank(text: string): boolean {
  return text.replace(SPACES, '') === ''
}

/**
 * The number in `text`, or `null` when it is not one. Accepts either decimal mark in either
 * language ("2,5" and "2.5" are both 2.5: a comma never vanishes into 25), thousands grouped by
 * spaces (plain, no-break or thin), by commas in English ("1,234" → 1234; in Russian 1.234) or by
 * dots when the decimal mark is a comma ("2.416.353,00"), a sign, and a trailing percent sign
 * (the field's unit: "12,5 %" → 12.5). Groups must be whole ("1 23" and "1,2,3" are refused),
 * and so is anything else: letters, exponents, two decimal marks.
 */
export function parseNumber(text: string, locale: FormatLocale): number | null {
  let rest = text.trim().replace(/%$/, '').trim()
  let sign = 1
  if (MINUS.test(rest)) {
    sign = -1
    rest = rest.slice(1).trimStart()
  } else if (rest.startsWith('+')) rest = rest.slice(1).trimStart()
  if (!/^[0-9.,\s\u00a0\u202f\u2007\u2009]+$/.test(rest)) return null

  const decimal = decimalMark(rest, locale)
  const [whole = '', fraction = '', extra] = decimal ? rest.split(decimal) : [rest]
  if (extra !== undefined || !/^\d*$/.test(fraction)) return null
  const group = decimal === ',' ? '.' : decimal === '.' ? ',' : whole.includes('.') ? '.' : ','
  const digits = wholeDigits(whole, group)
  if (digits === null || (digits === '' && fraction === '')) return null
  return sign * Number(`${digits || '0'}.${fraction || '0'}`)
}

/** Which mark, if any, separates the fraction: the last of two kinds, or a lone one as it reads. */
function decimalMark(text: string, locale: FormatLocale): '.' | ',' | null {
  const dots = text.split('.').length - 1
  const commas = text.split(',').length - 1
  if (dots > 0 && commas > 0) return text.lastIndexOf('.') > text.lastIndexOf(',') ? '.' : ','
  if (dots + commas !== 1) return null
  if (dots === 1) return '.'
  // A lone comma before exactly three digits groups thousands in English ("1,234"); anywhere
  // else, and always in Russian, it is the decimal comma ("2,5", "0,125").
  return locale === 'en' && /^[1-9]\d{0,2},\d{3}$/.test(text.replace(SPACES, '')) ? null : ','
}

/** The digits of the whole part, with its group separators checked and dropped; `null` if misplaced. */
function wholeDigits(whole: string, group: '.' | ','): string | null {
  const marks = whole.trim().replace(SPACES, ' ')
  if (!/[ .,]/.test(marks)) return /^\d*$/.test(marks) ? marks : null
  const separated = marks.split(/ |\.|,/)
  const usesOtherMark = group === '.' ? marks.includes(',') : marks.includes('.')
  if (usesOtherMark) return null
  const [head = '', ...groups] = separated
  if (!/^\d{1,3}$/.test(head) || !groups.every((g) => /^\d{3}$/.test(g))) return null
  return separated.join('')
}
