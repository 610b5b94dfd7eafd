import { describe, expect, it } from 'vitest'
import { solveIncreasing } from '../../stats/monotone-root.ts'

/** solveIncreasing on g, counting its evaluations. */
function solve(g: (theta: number) => { value: number; slope: number }, start: number, limit?: number) {
  let evaluations = 0
  const root = solveIncreasing(
    (theta) => {
      evaluations++
      return g(theta)
    },
    start,
    limit,
  )
  return { root, evaluations }
}

const exp5 = (theta: number) => ({ value: Math.exp(theta) - 5, slope: Math.exp(theta) })

describe('solveIncreasing', () => {
  it('walks out by doubling steps, never past the next one, and lands on a linear root exactly', () => {
    // θ − 3 from 0: Newton says 3, the first step allows 1; from 1 it allows 3, and g(3) = 0.
    const seen: number[] = []
    const root = solveIncreasing((theta) => {
      seen.push(theta)
      return { value: theta - 3, slope: 1 }
    }, 0)
    expect(root).toBe(3)
    expect(seen).toEqual([0, 1, 3])
    // the same downwards
    const down: number[] = []
    solveIncreasing((theta) => {
      down.push(theta)
      return { value: theta + 3, slope: 1 }
    }, 0)
    expect(down).toEqual([0, -1, -3])
  })

  it('finds a root to 1e-13 in a few Newton steps once it is bracketed', () => {
    for (const start of [-3, 0, 1.6, 4]) {
      const { root, evaluations } = solve(exp5, start)
      expect(Math.abs(root - Math.log(5))).toBeLessThan(1e-13)
      // bisection alone would need ~45 halvings of the bracket
      expect(evaluations).toBeLessThanOrEqual(12)
    }
  })

  it('returns the root of a steep function from far away, on either side', () => {
    const steep = (theta: number) => ({
      value: Math.tanh(5 * (theta - 40)),
      slope: 5 / Math.cosh(5 * (theta - 40)) ** 2,
    })
    expect(Math.abs(solve(steep, 0).root - 40)).toBeLessThan(1e-12)
    expect(Math.abs(solve(steep, 80).root - 40)).toBeLessThan(1e-12)
  })

  it('bisects where Newton would leave the bracket (a slope far too small)', () => {
    const lying = (theta: number) => ({ value: Math.atan(theta - 2), slope: 1e-9 })
    const { root } = solve(lying, 0)
    expect(Math.abs(root - 2)).toBeLessThan(1e-12)
  })

  it('steps by the doubling bound when the slope is zero or Newton is not finite', () => {
    const flat = (theta: number) => ({ value: theta - 7.5, slope: 0 })
    expect(Math.abs(solve(flat, 0).root - 7.5)).toBeLessThan(1e-12)
    const nanSlope = (theta: number) => ({ value: theta + 7.5, slope: NaN })
    expect(Math.abs(solve(nanSlope, 0).root + 7.5)).toBeLessThan(1e-12)
  })

  it('reads a NaN value as above the root once the root is bracketed', () => {
    // θ − 1.25 up to 1.5 and NaN beyond: the walk reaches 3 (NaN), which closes the bracket [1, 3];
    // bisection then comes back through 2 (NaN) to the root.
    const seen: number[] = []
    const root = solveIncreasing((theta) => {
      seen.push(theta)
      return theta <= 1.5 ? { value: theta - 1.25, slope: 0.1 } : { value: NaN, slope: NaN }
    }, 0)
    expect(root).toBe(1.25)
    expect(seen.slice(0, 4)).toEqual([0, 1, 3, 2])
  })

  it('stops at ±limit when the root lies beyond it', () => {
    expect(solve((theta) => ({ value: theta - 1000, slope: 1 }), 0).root).toBe(690)
    expect(solve((theta) => ({ value: theta + 1000, slope: 1 }), 0).root).toBe(-690)
    expect(solve((theta) => ({ value: theta - 50, slope: 1 }), 0, 20).root).toBe(20)
    expect(solve((theta) => ({ value: theta + 50, slope: 1 }), 0, 20).root).toBe(-20)
  })

  it('finds a root right at the limit and large roots to relative precision', () => {
    expect(solve((theta) => ({ value: theta - 20, slope: 1 }), 0, 20).root).toBe(20)
    const far = (theta: number) => ({ value: Math.atan(theta - 100.123456789), slope: 1e-12 })
    const { root } = solve(far, 0)
    expect(Math.abs(root - 100.123456789)).toBeLessThan(1e-13 * 100 * 2)
  })
})
