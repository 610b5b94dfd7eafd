import { describe, expect, it } from 'vitest'
import { sampleRatioMismatch } from '../../stats/srm.ts'
import { StatsInputError } from '../../stats/errors.ts'
import { expectCloseTo, loadFixture } from './helpers/reference.ts'

type Input = {
  counts: { control: number; treatment: number }
  planned: { control: number; treatment: number }
}
const fixture = loadFixture<Input>('srm')

describe('sampleRatioMismatch', () => {
  // R: chisq.test(c(n_control, n_treatment), p = c(planned), rescale.p = TRUE)
  it.each(
    fixture.cases.map(
      (c) =>
        [
          `${c.input.counts.control}/${c.input.counts.treatment} planned ${c.input.planned.control}:${c.input.planned.treatment}`,
          c,
        ] as const,
    ),
  )('matches R chisq.test for %s', (_n, c) => {
    expectCloseTo(sampleRatioMismatch(c.input.counts, c.input.planned), c.expected, 1e-9, 1e-300)
  })

  it('flags a mismatch below p = 0.001 and not above', () => {
    expect(
      sampleRatioMismatch({ control: 5500, treatment: 4500 }, { control: 1, treatment: 1 }).mismatch,
    ).toBe(true)
    expect(
      sampleRatioMismatch({ control: 5050, treatment: 4950 }, { control: 1, treatment: 1 }).mismatch,
    ).toBe(false)
  })

  it('is undefined without deals', () => {
    expect(sampleRatioMismatch({ control: 0, treatment: 0 }, { control: 1, treatment: 1 })).toEqual({
      statistic: null,
      pValue: null,
      mismatch: false,
      reason: 'no_deals',
    })
  })

  it('refuses a planned share of zero', () => {
    expect(() => sampleRatioMismatch({ control: 3, treatment: 4 }, { control: 0, treatment: 1 })).toThrow(
      StatsInputError,
    )
  })
})
