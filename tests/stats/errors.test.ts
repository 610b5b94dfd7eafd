import { describe, expect, it } from 'vitest'
import {
  StatsInputError,
  assertArm,
  assertCount,
  assertFinite,
  assertOneOf,
  assertOpenProbability,
  assertPositive,
  assertProbability,
  assertValues,
  sampleRatioMismatch,
} from '../../stats/index.ts'
import { assertCounts, degenerateTableReason } from '../../stats/counts.ts'

/** The error `run` throws: a StatsInputError naming `field`, with `message` after the field. */
function refusal(run: () => void): { field: string; message: string; name: string } {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(StatsInputError)
    expect(error).toBeInstanceOf(RangeError)
    const e = error as StatsInputError
    return { field: e.field, message: e.message, name: e.name }
  }
  throw new Error('expected a refusal')
}

describe('the refusals of impossible input', () => {
  it('name the field in the error and at the head of its message', () => {
    expect(refusal(() => assertFinite('plan.alpha', NaN))).toEqual({
      field: 'plan.alpha',
      message: 'plan.alpha: must be a finite number, got NaN',
      name: 'StatsInputError',
    })
  })

  it('refuse NaN, ±∞ and what is not a number as a finite number; take any finite number', () => {
    expect(refusal(() => assertFinite('x', Infinity)).message).toBe(
      'x: must be a finite number, got Infinity',
    )
    expect(refusal(() => assertFinite('x', -Infinity)).message).toBe(
      'x: must be a finite number, got -Infinity',
    )
    expect(refusal(() => assertFinite('x', '3' as unknown as number)).message).toBe(
      'x: must be a finite number, got 3',
    )
    for (const ok of [0, -0, -1e308, 1e308, Number.MIN_VALUE])
      expect(() => assertFinite('x', ok)).not.toThrow()
  })

  it('take 0 and the largest safe integer as counts, and refuse −1, fractions and 2^53', () => {
    for (const ok of [0, 1, Number.MAX_SAFE_INTEGER]) expect(() => assertCount('n', ok)).not.toThrow()
    expect(refusal(() => assertCount('n', -1)).message).toBe('n: must be a non-negative integer, got -1')
    expect(refusal(() => assertCount('n', 0.5)).message).toBe('n: must be a non-negative integer, got 0.5')
    expect(refusal(() => assertCount('n', 2 ** 53)).message).toBe(
      'n: must be a non-negative integer, got 9007199254740992',
    )
    expect(refusal(() => assertCount('n', NaN)).message).toBe('n: must be a finite number, got NaN')
  })

  it('hold an open probability strictly inside (0, 1)', () => {
    for (const ok of [Number.MIN_VALUE, 0.5, 1 - 2 ** -53])
      expect(() => assertOpenProbability('p', ok)).not.toThrow()
    expect(refusal(() => assertOpenProbability('p', 0)).message).toBe(
      'p: must be strictly between 0 and 1, got 0',
    )
    expect(refusal(() => assertOpenProbability('p', 1)).message).toBe(
      'p: must be strictly between 0 and 1, got 1',
    )
    expect(refusal(() => assertOpenProbability('p', -0.5)).field).toBe('p')
    expect(refusal(() => assertOpenProbability('p', NaN)).message).toBe('p: must be a finite number, got NaN')
  })

  it('hold a p-value inside the closed [0, 1], its ends included', () => {
    for (const ok of [0, 1, 0.5]) expect(() => assertProbability('p', ok)).not.toThrow()
    expect(refusal(() => assertProbability('p', -Number.MIN_VALUE)).message).toBe(
      'p: must be between 0 and 1, got -5e-324',
    )
    expect(refusal(() => assertProbability('p', 1 + 2 ** -52)).message).toBe(
      'p: must be between 0 and 1, got 1.0000000000000002',
    )
  })

  it('take any number above 0 as positive, and refuse 0 and below', () => {
    expect(() => assertPositive('s', Number.MIN_VALUE)).not.toThrow()
    expect(refusal(() => assertPositive('s', 0)).message).toBe('s: must be positive, got 0')
    expect(refusal(() => assertPositive('s', -1)).message).toBe('s: must be positive, got -1')
    expect(refusal(() => assertPositive('s', Infinity)).message).toBe(
      's: must be a finite number, got Infinity',
    )
  })

  it('take an arm whose every deal converted, and name the part of an arm that is wrong', () => {
    expect(() => assertArm('control', { deals: 3, conversions: 3 })).not.toThrow()
    expect(() => assertArm('control', { deals: 0, conversions: 0 })).not.toThrow()
    expect(refusal(() => assertArm('control', { deals: 3, conversions: 4 }))).toMatchObject({
      field: 'control.conversions',
      message: 'control.conversions: cannot exceed deals (4 > 3)',
    })
    expect(refusal(() => assertArm('control', { deals: -1, conversions: 0 })).field).toBe('control.deals')
    expect(refusal(() => assertArm('control', { deals: 1, conversions: 0.5 })).field).toBe(
      'control.conversions',
    )
    expect(refusal(() => assertArm('control', null as never)).message).toBe('control: must be an object')
    expect(refusal(() => assertArm('control', 5 as never)).message).toBe('control: must be an object')
  })

  it('refuse counts that are not two arms, naming the arm at fault', () => {
    const good = { deals: 2, conversions: 1 }
    expect(refusal(() => assertCounts(null as never)).message).toBe('counts: must be an object')
    expect(refusal(() => assertCounts('x' as never)).message).toBe('counts: must be an object')
    expect(refusal(() => assertCounts({ control: good, treatment: undefined as never })).field).toBe(
      'treatment',
    )
    expect(refusal(() => assertCounts({ control: undefined as never, treatment: good })).field).toBe(
      'control',
    )
  })

  it('name the index of a value that is not finite, and refuse what is not an array', () => {
    expect(() => assertValues('values', [])).not.toThrow()
    expect(() => assertValues('values', [1, -2.5])).not.toThrow()
    expect(refusal(() => assertValues('values', [1, NaN, 3])).field).toBe('values[1]')
    expect(refusal(() => assertValues('values', { 0: 1 } as never)).message).toBe(
      'values: must be an array of numbers',
    )
  })

  it('list the allowed options when refusing one', () => {
    expect(() => assertOneOf('alternative', 'less', ['two-sided', 'less'])).not.toThrow()
    expect(refusal(() => assertOneOf('alternative', 'more' as string, ['two-sided', 'less'])).message).toBe(
      'alternative: must be one of two-sided, less, got more',
    )
  })
})

describe('degenerateTableReason', () => {
  const arm = (deals: number, conversions: number) => ({ deals, conversions })

  it('finds an empty arm on either side first', () => {
    expect(degenerateTableReason({ control: arm(0, 0), treatment: arm(3, 1) })).toBe('no_deals')
    expect(degenerateTableReason({ control: arm(3, 1), treatment: arm(0, 0) })).toBe('no_deals')
    expect(degenerateTableReason({ control: arm(0, 0), treatment: arm(0, 0) })).toBe('no_deals')
  })

  it('finds no conversion only when neither arm converted', () => {
    expect(degenerateTableReason({ control: arm(3, 0), treatment: arm(4, 0) })).toBe('no_conversions')
    expect(degenerateTableReason({ control: arm(3, 0), treatment: arm(4, 1) })).toBeNull()
    expect(degenerateTableReason({ control: arm(3, 1), treatment: arm(4, 0) })).toBeNull()
  })

  it('finds every deal converted only when both arms converted fully', () => {
    expect(degenerateTableReason({ control: arm(3, 3), treatment: arm(4, 4) })).toBe('all_converted')
    expect(degenerateTableReason({ control: arm(3, 3), treatment: arm(4, 3) })).toBeNull()
    expect(degenerateTableReason({ control: arm(3, 2), treatment: arm(4, 4) })).toBeNull()
  })
})

describe('sampleRatioMismatch on a planned split that rounds to one arm', () => {
  it('refuses shares whose ratio underflows to 0 or rounds to 1', () => {
    const counts = { control: 10, treatment: 10 }
    expect(refusal(() => sampleRatioMismatch(counts, { control: 1e300, treatment: 1e-300 }))).toMatchObject({
      field: 'planned',
      message: 'planned: shares must both be positive',
    })
    expect(refusal(() => sampleRatioMismatch(counts, { control: 1e-300, treatment: 1e300 })).field).toBe(
      'planned',
    )
  })
})
