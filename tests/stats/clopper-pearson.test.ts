import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clopperPearsonInterval } from '../../stats/clopper-pearson.ts'
import { expectCloseTo, loadFixture } from './helpers/reference.ts'

type Input = { conversions: number; deals: number }
const fixture = loadFixture<Input, { confidence: number }>('clopper-pearson')

describe('clopperPearsonInterval', () => {
  // R: binom.test(x, n, conf.level)$conf.int (beta quantiles, root-finding: 1e-8)
  it.each(
    fixture.cases.map(
      (c) => [`${c.input.conversions}/${c.input.deals} at ${c.options!.confidence}`, c] as const,
    ),
  )('matches R binom.test for %s', (_name, c) => {
    expectCloseTo(
      clopperPearsonInterval(c.input.conversions, c.input.deals, c.options!.confidence),
      c.expected,
      1e-8,
    )
  })

  it('is undefined for an arm without deals', () => {
    expect(clopperPearsonInterval(0, 0)).toEqual({ estimate: null, interval: null, reason: 'no_deals' })
  })

  it('gives [0, 1 − (α/2)^(1/n)] with no conversions', () => {
    const n = 12
    expectCloseTo(clopperPearsonInterval(0, n).interval, [0, 1 - 0.025 ** (1 / n)], 1e-12)
  })

  it('contains the estimate and stays inside [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, share) => {
          const x = Math.floor(share * n)
          const cp = clopperPearsonInterval(x, n)
          expect(cp.interval![0]).toBeLessThanOrEqual(cp.estimate!)
          expect(cp.interval![1]).toBeGreaterThanOrEqual(cp.estimate!)
          expect(cp.interval![0]).toBeGreaterThanOrEqual(0)
          expect(cp.interval![1]).toBeLessThanOrEqual(1)
        },
      ),
    )
  })
})
