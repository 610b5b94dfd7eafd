import { readFileSync } from 'node:fs'
import { expect } from 'vitest'

export interface ReferenceCase<I = unknown, O = unknown, E = unknown> {
  readonly input: I
  readonly options?: O
  readonly expected: E
  readonly label?: string
}

interface Fixture<C> {
  readonly reference: string
  readonly cases: C[]
}

/** "Infinity"/"-Infinity" are how the generators write ±∞, which JSON cannot hold. */
function revive(_key: string, value: unknown): unknown {
  if (value === 'Infinity') return Infinity
  if (value === '-Infinity') return -Infinity
  return value
}

export function loadFixture<I = unknown, O = unknown, E = unknown>(
  name: string,
): Fixture<ReferenceCase<I, O, E>> {
  const url = new URL(`../fixtures/${name}.json`, import.meta.url)
  return JSON.parse(readFileSync(url, 'utf8'), revive) as Fixture<ReferenceCase<I, O, E>>
}

/**
 * Every number of `actual` within `relative` of `expected` (absolute `floor` near 0), every other
 * value equal, and the same keys: the whole result object is compared, not a chosen field.
 */
export function expectCloseTo(
  actual: unknown,
  expected: unknown,
  relative: number,
  floor = 1e-300,
  path = '$',
): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number')
    const a = actual as number
    if (!Number.isFinite(expected)) {
      expect(a, path).toBe(expected)
      return
    }
    const tolerance = Math.max(relative * Math.abs(expected), floor)
    if (!(Math.abs(a - expected) <= tolerance)) {
      expect.fail(
        `${path}: ${a} differs from ${expected} by ${Math.abs(a - expected) / Math.abs(expected || 1)} (relative), tolerance ${relative}`,
      )
    }
    return
  }
  if (expected === null || typeof expected !== 'object') {
    expect(actual, path).toEqual(expected)
    return
  }
  expect(actual, path).toBeTypeOf('object')
  expect(actual, path).not.toBeNull()
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true)
    expect((actual as unknown[]).length, path).toBe(expected.length)
    expected.forEach((e, i) => expectCloseTo((actual as unknown[])[i], e, relative, floor, `${path}[${i}]`))
    return
  }
  const actualObject = actual as Record<string, unknown>
  expect(Object.keys(actualObject).sort(), path).toEqual(Object.keys(expected).sort())
  for (const [key, value] of Object.entries(expected)) {
    expectCloseTo(actualObject[key], value, relative, floor, `${path}.${key}`)
  }
}

/** A readable name for a two-arm case: "treatment 17/62 vs control 9/60". */
export function describeCounts(input: unknown): string {
  const c = input as {
    treatment: { conversions: number; deals: number }
    control: { conversions: number; deals: number }
  }
  return `treatment ${c.treatment.conversions}/${c.treatment.deals} vs control ${c.control.conversions}/${c.control.deals}`
}
