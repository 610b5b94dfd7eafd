// Calculator inputs live in the URL query in the units people type (percent, counts), so a link
// reproduces the calculation: /calculators/sample-size?baseline=15&mde=5&alpha=5&power=80.

/** A number from the query, or `fallback` when absent or not a number. */
export function readNumber(params: URLSearchParams, key: string, fallback: number | null): number | null {
  const raw = params.get(key)
  if (raw === null || raw.trim() === '') return fallback
  const value = Number(raw.replace(',', '.'))
  return Number.isFinite(value) ? value : fallback
}

/** One of `allowed` from the query, or `fallback`. */
export function readChoice<T extends string>(
  params: URLSearchParams,
  key: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = params.get(key)
  return (allowed as readonly string[]).includes(raw ?? '') ? (raw as T) : fallback
}

/** Percent as typed (15) to the fraction the API takes (0.15); null stays null. */
export function fromPercent(value: number | null): number | null {
  return value === null ? null : value / 100
}

/**
 * Parses a pasted list of revenue values: numbers separated by spaces, semicolons, new lines,
 * or commas followed by a space. A comma inside a number is a decimal comma ("1 250,50" is not
 * split: the space-separated form is read as two values, so thousands separators are not
 * supported). Returns null when any token is not a number.
 */
export function parseValues(text: string): number[] | null {
  const tokens = text
    .split(/[\s;]+|,\s+/)
    .map((token) => token.trim())
    .filter(Boolean)
  const values = tokens.map((token) => Number(token.replace(',', '.')))
  return values.every((value) => Number.isFinite(value)) ? values : null
}
