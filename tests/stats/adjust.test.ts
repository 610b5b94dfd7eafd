import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { adjustPValues, type AdjustMethod } from '../../stats/adjust.ts'
import { StatsInputError } from '../../stats/errors.ts'
import { expectCloseTo, loadFixture } from './helpers/reference.ts'

const fixture = loadFixture<{ pValues: number[]; method: AdjustMethod }>('adjust')

describe('adjustPValues', () => {
  // R: p.adjust(p, "holm") and p.adjust(p, "BH")
  it.each(fixture.cases.map((c) => [`${c.input.method} of ${c.input.pValues.length} p-values`, c] as const))(
    'matches R p.adjust: %s',
    (_n, c) => {
      expectCloseTo({ adjusted: adjustPValues(c.input.pValues, c.input.method) }, c.expected, 1e-12, 1e-300)
    },
  )

  it('returns an empty list for no p-values', () => {
    expect(adjustPValues([], 'holm')).toEqual([])
  })

  it('refuses p-values outside [0, 1]', () => {
    expect(() => adjustPValues([0.2, 1.2], 'benjamini-hochberg')).toThrow(StatsInputError)
  })

  it('never lowers a p-value and keeps the order of the input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
        fc.constantFrom<AdjustMethod>('holm', 'benjamini-hochberg'),
        (p, method) => {
          const adjusted = adjustPValues(p, method)
          adjusted.forEach((a, i) => {
            expect(a).toBeGreaterThanOrEqual(p[i]!)
            expect(a).toBeLessThanOrEqual(1)
          })
        },
      ),
    )
  })
})
