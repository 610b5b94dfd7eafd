import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mannWhitney } from '../../stats/mann-whitney.ts'
import type { Alternative } from '../../stats/types.ts'
import { expectCloseTo, loadFixture } from './helpers/reference.ts'

type Input = { treatment: number[]; control: number[] }
const fixture = loadFixture<Input, { alternative: Alternative }>('mann-whitney')

describe('mannWhitney', () => {
  // R: wilcox.test(treatment, control, exact = FALSE, correct = TRUE, alternative)
  it.each(
    fixture.cases.map(
      (c) =>
        [
          `${c.input.treatment.length} vs ${c.input.control.length} values, ${c.options!.alternative}`,
          c,
        ] as const,
    ),
  )('matches R wilcox.test for %s', (_n, c) => {
    expectCloseTo(mannWhitney(c.input.treatment, c.input.control, c.options!.alternative), c.expected, 1e-9)
  })

  it('is undefined for an empty arm', () => {
    expect(mannWhitney([], [1, 2])).toEqual({ w: null, pValue: null, reason: 'too_few_values' })
  })

  it('gives W but no p-value when every value is tied', () => {
    expect(mannWhitney([7, 7], [7, 7, 7])).toEqual({ w: 3, pValue: null, reason: 'zero_variance' })
  })

  it('mirrors when the arms are swapped: W becomes n_t·n_c − W, same two-sided p', () => {
    const sample = fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 })
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const r = mannWhitney(a, b)
        const s = mannWhitney(b, a)
        expect(s.w).toBeCloseTo(a.length * b.length - r.w!, 9)
        if (r.pValue === null) return
        expect(s.pValue).toBeCloseTo(r.pValue, 12)
        expect(r.pValue).toBeLessThanOrEqual(1)
      }),
    )
  })
})
