// Locale-aware formatting of numbers, shares, money and dates with Intl, so the interface reads
// "27,4 %", "1 234 ₽" and "22 нояб. 2026" in Russian and "27.4%", "€1,234" and "Nov 22, 2026" in
// English.
// Pure functions of (value, locale): no DOM, no state — the locale is passed in.

export type FormatLocale = 'en' | 'ru'

const DASH = '\u2013'
const MISSING = '\u2014'

const numberFormats = new Map<string, Intl.NumberFormat>()

function numberFormat(locale: FormatLocale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let format = numberFormats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(locale, options)
    numberFormats.set(key, format)
  }
  return format
}

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** A plain number: `formatNumber(12345.6, 'ru')` → "12 345,6". Missing values read "—". */
export function formatNumber(
  value: number | null | undefined,
  locale: FormatLocale,
  options: { maximumFractionDigits?: number; minimumFractionDigits?: number; signed?: boolean } = {},
): string {
  if (!isNumber(value)) return MISSING
  const { maximumFractionDigits = 2, minimumFractionDigits = 0, signed = false } = options
  return numberFormat(locale, {
    maximumFractionDigits,
    minimumFractionDigits: Math.min(minimumFractionDigits, maximumFractionDigits),
    signDisplay: signed ? 'exceptZero' : 'auto',
  }).format(value)
}

/** A whole count: `formatInteger(1500, 'en')` → "1,500". */
export function formatInteger(value: number | null | undefined, locale: FormatLocale): string {
  return formatNumber(isNumber(value) ? Math.round(value) : value, locale, { maximumFractionDigits: 0 })
}

/**
 * A share given as a fraction: `formatPercent(0.274, 'ru')` → "27,4 %", `'en'` → "27.4%".
 * `signed` writes "+3.1%" for changes.
 */
export function formatPercent(
  fraction: number | null | undefined,
  locale: FormatLocale,
  options: { digits?: number; signed?: boolean } = {},
): string {
  if (!isNumber(fraction)) return MISSING
  const { digits = 1, signed = false } = options
  return numberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: signed ? 'exceptZero' : 'auto',
  }).format(fraction)
}

/** From this size on, money is shown in whole units: cents only add noise to "€12,345". */
const WHOLE_UNITS_FROM = 1000

/**
 * The decimals that amounts shown together take, so that a figure and its interval read alike:
 * none once any of them is large (or all are whole), else cents. `moneyDigits([698.23, 3988])` → 0.
 */
export function moneyDigits(values: readonly (number | null | undefined)[]): number {
  const amounts = values.filter(isNumber)
  const whole = amounts.some((v) => Math.abs(v) >= WHOLE_UNITS_FROM) || amounts.every(Number.isInteger)
  return whole ? 0 : 2
}

/**
 * An amount of money in the workspace's currency (ISO 4217 code), with the symbol where each
 * language puts it: `formatMoney(1234, 'RUB', 'ru')` → "1 234 ₽", `formatMoney(1234, 'EUR', 'en')`
 * → "€1,234". Large sums are whole units; smaller ones keep their cents when they have any.
 * `signed` writes "+€250" for differences; `compact` writes "1,3 млн ₽" / "€1.3M" for chart axes.
 * Missing values read "—".
 */
export function formatMoney(
  value: number | null | undefined,
  currency: string,
  locale: FormatLocale,
  options: { signed?: boolean; compact?: boolean; digits?: number } = {},
): string {
  if (!isNumber(value)) return MISSING
  const { signed = false, compact = false } = options
  const digits = options.digits ?? (compact ? 0 : moneyDigits([value]))
  const style: Intl.NumberFormatOptions = {
    minimumFractionDigits: compact ? 0 : digits,
    maximumFractionDigits: compact ? Math.max(digits, 1) : digits,
    signDisplay: signed ? 'exceptZero' : 'auto',
    ...(compact ? { notation: 'compact' } : {}),
  }
  try {
    return numberFormat(locale, {
      ...style,
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
    }).format(value)
  } catch {
    // Not an ISO code Intl knows: the amount, then the code as given.
    return `${numberFormat(locale, style).format(value)}\u00a0${currency}`
  }
}

/**
 * A difference of two shares in percentage points, as a signed number without the unit
 * (the unit is a message: "pp" / "п. п."): `formatPoints(0.031, 'en')` → "+3.1".
 */
export function formatPoints(
  difference: number | null | undefined,
  locale: FormatLocale,
  digits = 1,
): string {
  if (!isNumber(difference)) return MISSING
  return formatNumber(difference * 100, locale, {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
    signed: true,
  })
}

/**
 * A p-value: three decimals, and "< 0.001" below that, because smaller values only suggest a
 * precision the data do not have.
 */
export function formatPValue(p: number | null | undefined, locale: FormatLocale): string {
  if (!isNumber(p)) return MISSING
  if (p < 0.001)
    return `< ${formatNumber(0.001, locale, { maximumFractionDigits: 3, minimumFractionDigits: 3 })}`
  return formatNumber(p, locale, { maximumFractionDigits: 3, minimumFractionDigits: 3 })
}

/** An interval written "lo – hi" with each end formatted by `format`. */
export function formatInterval(
  interval: readonly [number, number] | null | undefined,
  format: (value: number) => string,
): string {
  if (!interval) return MISSING
  return `${format(interval[0])} ${DASH} ${format(interval[1])}`
}

/**
 * An interval whose ends may be open (null: the test bounds it on one side only, or the ratio has
 * no upper limit): "−5.1 – ∞". Missing altogether reads "—".
 */
export function formatOpenInterval(
  interval: readonly [number | null, number | null] | null | undefined,
  format: (value: number) => string,
): string {
  if (!interval) return MISSING
  const [lower, upper] = interval
  if (lower === null && upper === null) return MISSING
  return `${lower === null ? '\u2212\u221e' : format(lower)} ${DASH} ${upper === null ? '\u221e' : format(upper)}`
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

function toDate(value: string | Date): Date {
  return typeof value === 'string' ? new Date(value) : value
}

/**
 * A calendar date: `formatDate('2026-11-22', 'ru')` → "22 нояб. 2026", `'en'` → "Nov 22, 2026".
 * Russian's trailing "г." is dropped: the short form reads better in tables.
 * A date-only string is a calendar day, so it is shown in UTC (never shifted by the time zone).
 */
export function formatDate(
  value: string | Date | null | undefined,
  locale: FormatLocale,
  options: { timeZone?: string } = {},
): string {
  if (value === null || value === undefined || value === '') return MISSING
  const date = toDate(value)
  if (Number.isNaN(date.getTime())) return MISSING
  const timeZone = typeof value === 'string' && DATE_ONLY.test(value) ? 'UTC' : options.timeZone
  const parts = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone,
  }).formatToParts(date)
  while (parts.length > 0 && parts[parts.length - 1]?.type === 'literal') parts.pop()
  return parts.map((part) => part.value).join('')
}

/** A moment: date and time, e.g. "Nov 22, 2026, 14:05" / "22 нояб. 2026, 14:05". */
export function formatDateTime(
  value: string | Date | null | undefined,
  locale: FormatLocale,
  options: { timeZone?: string } = {},
): string {
  if (value === null || value === undefined || value === '') return MISSING
  const date = toDate(value)
  if (Number.isNaN(date.getTime())) return MISSING
  const time = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: options.timeZone,
  }).format(date)
  return `${formatDate(date, locale, options)}, ${time}`
}

/** The same helpers bound to one locale, for templates: `fmt.percent(rate)`. */
export function createFormatter(locale: FormatLocale) {
  return {
    locale,
    number: (value: number | null | undefined, options?: Parameters<typeof formatNumber>[2]) =>
      formatNumber(value, locale, options),
    integer: (value: number | null | undefined) => formatInteger(value, locale),
    money: (
      value: number | null | undefined,
      currency: string,
      options?: Parameters<typeof formatMoney>[3],
    ) => formatMoney(value, currency, locale, options),
    percent: (value: number | null | undefined, options?: Parameters<typeof formatPercent>[2]) =>
      formatPercent(value, locale, options),
    points: (value: number | null | undefined, digits?: number) => formatPoints(value, locale, digits),
    pValue: (value: number | null | undefined) => formatPValue(value, locale),
    date: (value: string | Date | null | undefined) => formatDate(value, locale),
    dateTime: (value: string | Date | null | undefined) => formatDateTime(value, locale),
    interval: formatInterval,
    openInterval: formatOpenInterval,
  }
}

export type Formatter = ReturnType<typeof createFormatter>

/** The sign of a currency as each language writes it ("₽", "€"), or its code when Intl has none. */
export function currencySymbol(currency: string, locale: FormatLocale): string {
  try {
    const parts = numberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
    }).formatToParts(0)
    return parts.find((part) => part.type === 'currency')?.value ?? currency
  } catch {
    return currency
  }
}
