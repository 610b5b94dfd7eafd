import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { wilsonInterval } from '../../stats/wilson.ts'
import { StatsInputError } from '../../stats/errors.ts'
import { expectCloseTo, loadFixture } from './helpers/reference.ts'

type Input = { conversions: number; deals: number }
const fixture = loadFixture<Input, { confidence: number }>('wilson')

describe('wilsonInterval', () => {
  // R: prop.test(x, n, correct = FALSE, conf.level)$conf.int (closed form: 1e-9)
  it.each(
    fixture.cases.map(
      (c) => [`${c.input.conversions}/${c.input.deals} at ${c.options!.confidence}`, c] as const,
    ),
  )('matches R prop.test for %s', (_name, c) => {
    expectCloseTo(
      wilsonInterval(c.input.conversions, c.input.deals, c.options!.confidence),
      c.expected,
      1e-9,
      1e-15,
    )
  })

  it('is undefined for an arm without deals', () => {
    expect(wilsonInterval(0, 0)).toEqual({ estimate: null, interval: null, reason: 'no_deals' })
  })

  it('starts at exactly 0 with no conversions and ends at exactly 1 with all', () => {
    expect(wilsonInterval(0, 7).interval![0]).toBe(0)
    expect(wilsonInterval(7, 7).interval![1]).toBe(1)
  })

  it('refuses impossible counts and confidence', () => {
    expect(() => wilsonInterval(5, 4)).toThrow(StatsInputError)
    expect(() => wilsonInterval(1.5, 4)).toThrow(StatsInputError)
    expect(() => wilsonInterval(1, 4, 1)).toThrow(StatsInputError)
  })

  it('contains its estimate and stays inside [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, share) => {
          const x = Math.floor(share * n)
          const { estimate, interval } = wilsonInterval(x, n)
          expect(interval![0]).toBeGreaterThanOrEqual(0)
          expect(interval![1]).toBeLessThanOrEqual(1)
          expect(interval![0]).toBeLessThanOrEqual(estimate!)
          expect(interval![1]).toBeGreaterThanOrEqual(estimate!)
        },
      ),
    )
  })
})
