/**
 * Refusal of impossible input. Every exported function of stats/ validates its arguments with
 * these helpers and throws {@link StatsInputError} (a RangeError) with a message naming the field;
 * the server validates at its edge too, so this is the last line of defence, not the UI's.
 */
export class StatsInputError extends RangeError {
  override readonly name = 'StatsInputError'
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`)
  }
}

/** A finite number (not NaN, not ±Infinity). */
export function assertFinite(field: string, value: number): void {
  // Stryker disable next-line ConditionalExpression: Number.isFinite alone refuses a non-number
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StatsInputError(field, `must be a finite number, got ${String(value)}`)
  }
}

/** A count: a non-negative safe integer. */
export function assertCount(field: string, value: number): void {
  assertFinite(field, value)
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StatsInputError(field, `must be a non-negative integer, got ${value}`)
  }
}

/** A probability strictly inside (0, 1): a rate, alpha, power, confidence or share. */
export function assertOpenProbability(field: string, value: number): void {
  assertFinite(field, value)
  if (!(value > 0 && value < 1)) {
    throw new StatsInputError(field, `must be strictly between 0 and 1, got ${value}`)
  }
}

/** A p-value: inside the closed interval [0, 1]. */
export function assertProbability(field: string, value: number): void {
  assertFinite(field, value)
  if (value < 0 || value > 1) {
    throw new StatsInputError(field, `must be between 0 and 1, got ${value}`)
  }
}

/** A strictly positive finite number. */
export function assertPositive(field: string, value: number): void {
  assertFinite(field, value)
  if (!(value > 0)) throw new StatsInputError(field, `must be positive, got ${value}`)
}

/** One arm's counts: `conversions` out of `deals`, both counts, conversions ≤ deals. */
export function assertArm(field: string, arm: { deals: number; conversions: number }): void {
  if (arm === null || typeof arm !== 'object') throw new StatsInputError(field, 'must be an object')
  assertCount(`${field}.deals`, arm.deals)
  assertCount(`${field}.conversions`, arm.conversions)
  if (arm.conversions > arm.deals) {
    throw new StatsInputError(
      `${field}.conversions`,
      `cannot exceed deals (${arm.conversions} > ${arm.deals})`,
    )
  }
}

/** Every value finite. */
export function assertValues(field: string, values: readonly number[]): void {
  if (!Array.isArray(values)) throw new StatsInputError(field, 'must be an array of numbers')
  values.forEach((value, i) => assertFinite(`${field}[${i}]`, value))
}

/** One of the allowed string options. */
export function assertOneOf<T extends string>(field: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    throw new StatsInputError(field, `must be one of ${allowed.join(', ')}, got ${String(value)}`)
  }
}
