import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, type TestContext } from '../helpers/context.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

const calc = (name: string, body: unknown) => ctx.request({}, 'POST', `/api/calculators/${name}`, body)
const close = (actual: number, expected: number, rel = 1e-9) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected))

describe('the calculators, without signing in', () => {
  it("significance: every field, with R's values for the demo's 17/62 against 9/60", async () => {
    const res = await calc('significance', {
      control: { deals: 60, conversions: 9 },
      treatment: { deals: 62, conversions: 17 },
    })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body).sort()).toEqual([
      'bayes',
      'checks',
      'chiSquare',
      'chiSquareYates',
      'control',
      'difference',
      'fisher',
      'pValue',
      'primary',
      'recommended',
      'relativeLift',
      'significant',
      'treatment',
      'zTest',
    ])
    // 9.6 expected conversions in the smaller arm: the score test is the primary.
    // R: prop.test(c(17, 9), c(62, 60), correct = FALSE)$p.value
    expect(res.body.primary).toMatchObject({ method: 'score', alternative: 'two-sided', alpha: 0.05 })
    close(res.body.primary.pValue, 0.0939998369147212)
    expect(res.body).toMatchObject({ recommended: 'chiSquare', significant: false, control: { rate: 0.15 } })
    expect(res.body.pValue).toBe(res.body.primary.pValue)
    expect(res.body.difference).toMatchObject(res.body.primary.difference)
    // R: fisher.test(matrix(c(17, 9, 45, 51), 2))$p.value, now a check
    close(res.body.fisher.pValue, 0.122334084604597)
    expect(res.body.checks.find((c: { method: string }) => c.method === 'fisher')).toMatchObject({
      whyDifferent: 'conditions_on_conversions',
    })
    close(res.body.bayes.probabilityTreatmentBetter, 0.9508079675867457, 1e-8)
  })

  it('significance: the primary analysis in its documented shape, intervals inverting its test', async () => {
    const res = await calc('significance', {
      control: { deals: 60, conversions: 9 },
      treatment: { deals: 62, conversions: 17 },
      alpha: 0.1,
    })
    expect(Object.keys(res.body.primary).sort()).toEqual([
      'alpha',
      'alternative',
      'difference',
      'method',
      'pValue',
      'reason',
      'relativeLift',
      'significant',
    ])
    // p = 0.094 < 0.1: significant, and then both intervals exclude no change
    expect(res.body.primary).toMatchObject({ alpha: 0.1, significant: true, reason: null })
    expect(res.body.primary.difference.interval[0]).toBeGreaterThan(0)
    expect(res.body.primary.relativeLift.interval[0]).toBeGreaterThan(0)
  })

  it('significance: method "exact" gives the exact unconditional test (SciPy barnard_exact)', async () => {
    const res = await calc('significance', {
      control: { deals: 60, conversions: 9 },
      treatment: { deals: 62, conversions: 17 },
      method: 'exact',
    })
    expect(res.status).toBe(200)
    // SciPy: barnard_exact([[17, 9], [45, 51]], pooled=True).pvalue (its optimiser: ~1e-9)
    close(res.body.primary.pValue, 0.1065757025515511, 1e-7)
    expect(res.body.primary).toMatchObject({ method: 'exact', significant: false })
    expect(res.body.recommended).toBe('fisher')
    const [lower, upper] = res.body.primary.difference.interval
    expect(lower).toBeLessThan(0)
    expect(upper).toBeGreaterThan(0)
  })

  it('significance: "greater" makes the primary and Fisher one-sided, the intervals open above', async () => {
    const res = await calc('significance', {
      control: { deals: 60, conversions: 9 },
      treatment: { deals: 62, conversions: 17 },
      alternative: 'greater',
    })
    // R: fisher.test(matrix(c(17, 9, 45, 51), 2), alternative = "greater")$p.value
    close(res.body.fisher.pValue, 0.0724918026719729)
    // R: pnorm(sqrt(prop.test(c(17, 9), c(62, 60), correct = FALSE)$statistic), lower.tail = FALSE)
    close(res.body.primary.pValue, 0.0939998369147212 / 2, 1e-9)
    expect(res.body.primary.difference.interval[1]).toBeNull()
    expect(res.body.primary.relativeLift.interval[1]).toBeNull()
    expect(res.body.primary.significant).toBe(true)
    expect(res.body.primary.difference.interval[0]).toBeGreaterThan(0)
  })

  it('significance: no deals gives nulls with reasons, not an error', async () => {
    const res = await calc('significance', {
      control: { deals: 0, conversions: 0 },
      treatment: { deals: 10, conversions: 2 },
    })
    expect(res.status).toBe(200)
    expect(res.body.control.rate).toBeNull()
    expect(res.body.difference).toMatchObject({ estimate: null, reason: 'no_deals' })
    expect(res.body.primary).toMatchObject({ pValue: null, significant: false, reason: 'no_deals' })
  })

  it('significance: a control without conversions leaves the lift undefined, its interval open above', async () => {
    const res = await calc('significance', {
      control: { deals: 10, conversions: 0 },
      treatment: { deals: 10, conversions: 4 },
    })
    expect(res.body.primary.method).toBe('exact')
    expect(res.body.primary.relativeLift.estimate).toBeNull()
    expect(res.body.primary.relativeLift.interval[1]).toBeNull()
    expect(res.body.primary.reason).toBe('control_has_no_conversions')
  })

  it("sample size: R's power.prop.test with the defaults", async () => {
    const res = await calc('sample-size', { baselineRate: 0.15, minimumDetectableEffect: 0.1 })
    // R: ceiling(power.prop.test(p1 = 0.15, p2 = 0.25, power = 0.8)$n) = 250
    expect(res.body).toEqual({
      control: 250,
      treatment: 250,
      total: 500,
      // 250 · 0.15 = 37.5 expected conversions in the smaller arm: the large-sample score test
      primaryMethod: { method: 'score', reason: 'large_sample', smallestExpected: 37.5 },
    })
  })

  it('names the primary method the planned arms would freeze, and why', async () => {
    // 60 + 60 deals at 5 %: 3 expected conversions per arm, under Cochran's 5 → the exact test
    const small = await calc('power', { baselineRate: 0.05, control: 60, treatment: 60 })
    expect(small.body.primaryMethod).toEqual({
      method: 'exact',
      reason: 'small_expected_count',
      smallestExpected: expect.closeTo(3, 12),
    })
    // 1,900 + 100 at 3 %: 3 expected, but 1901 · 101 tables are too many for the exact test
    const wide = await calc('power', { baselineRate: 0.03, control: 1900, treatment: 100 })
    expect(wide.body.primaryMethod.method).toBe('score')
    expect(wide.body.primaryMethod.reason).toBe('too_many_tables')
  })

  it('power: at a given effect and the smallest detectable', async () => {
    const res = await calc('power', {
      baselineRate: 0.15,
      control: 150,
      treatment: 150,
      minimumDetectableEffect: 0.1,
    })
    // R: power.prop.test(p1 = 0.15, p2 = 0.25, n = 150)$power
    close(res.body.power, 0.581886079147457)
    expect(res.body.minimumDetectableEffect).toBeGreaterThan(0.1)
    const none = await calc('power', { baselineRate: 0.15, control: 150, treatment: 150 })
    expect(none.body.power).toBeNull()
  })

  it('revenue: Welch and Mann-Whitney from raw values; Welch alone from summaries', async () => {
    const raw = await calc('revenue', {
      treatment: { values: [12, 15, 11, 19, 14] },
      control: { values: [10, 9, 13, 8, 11] },
    })
    // R: t.test(x, y)$p.value; wilcox.test(x, y, exact = FALSE, correct = TRUE)$p.value
    close(raw.body.welch.pValue, 0.046248985167292)
    close(raw.body.mannWhitney.pValue, 0.0465329850745106)
    expect(raw.body.mannWhitney.w).toBe(22.5)
    const summary = await calc('revenue', {
      treatment: { mean: 14.2, sd: 3.114482300479487, n: 5 },
      control: { mean: 10.2, sd: 1.923538406167134, n: 5 },
    })
    close(summary.body.welch.pValue, 0.046248985167292, 1e-8)
    expect(summary.body.mannWhitney).toBeNull()
  })

  it('srm: chi-square goodness of fit', async () => {
    const res = await calc('srm', {
      counts: { control: 520, treatment: 480 },
      planned: { control: 50, treatment: 50 },
    })
    // R: chisq.test(c(520, 480), p = c(0.5, 0.5))$p.value
    close(res.body.pValue, 0.205903210732068)
    expect(res.body.mismatch).toBe(false)
  })

  it('adjust: Holm and Benjamini-Hochberg in input order', async () => {
    // R: p.adjust(c(0.01, 0.04, 0.03), "holm") and "BH"
    expect(
      (await calc('adjust', { pValues: [0.01, 0.04, 0.03], method: 'holm' })).body.adjusted.map(
        (p: number) => +p.toFixed(12),
      ),
    ).toEqual([0.03, 0.06, 0.06])
    expect(
      (await calc('adjust', { pValues: [0.01, 0.04, 0.03], method: 'benjamini-hochberg' })).body.adjusted.map(
        (p: number) => +p.toFixed(12),
      ),
    ).toEqual([0.03, 0.04, 0.04])
  })

  it("sequential: O'Brien-Fleming boundaries of four equal looks", async () => {
    const res = await calc('sequential', { informationFractions: [0.25, 0.5, 0.75, 1] })
    expect(res.body.boundaries.map((b: number) => +b.toFixed(3))).toEqual([4.333, 2.963, 2.359, 2.014])
    close(res.body.cumulativeAlpha.at(-1), 0.05, 1e-9)
  })

  it.each([
    [
      'significance',
      { control: { deals: 5, conversions: 6 }, treatment: { deals: 5, conversions: 1 } },
      'body.control.conversions',
    ],
    [
      'significance',
      { control: { deals: -1, conversions: 0 }, treatment: { deals: 5, conversions: 1 } },
      'body.control.deals',
    ],
    [
      'significance',
      { control: { deals: 5, conversions: 1 }, treatment: { deals: 5, conversions: 1 }, confidence: 1.5 },
      'body.confidence',
    ],
    [
      'significance',
      { control: { deals: 5, conversions: 1 }, treatment: { deals: 5, conversions: 1 }, alpha: 1 },
      'body.alpha',
    ],
    [
      'significance',
      { control: { deals: 5, conversions: 1 }, treatment: { deals: 5, conversions: 1 }, method: 'fisher' },
      'body.method',
    ],
    [
      'significance',
      {
        control: { deals: 1000, conversions: 3 },
        treatment: { deals: 1000, conversions: 9 },
        method: 'exact',
      },
      'body.method',
    ],
    ['sample-size', { baselineRate: 1.2, minimumDetectableEffect: 0.1 }, 'body.baselineRate'],
    ['sample-size', { baselineRate: 0.95, minimumDetectableEffect: 0.1 }, 'body.minimumDetectableEffect'],
    ['sample-size', { baselineRate: 0.1, minimumDetectableEffect: 0 }, 'body.minimumDetectableEffect'],
    ['power', { baselineRate: 0.1, control: 1.5, treatment: 10 }, 'body.control'],
    ['revenue', { control: { values: [] }, treatment: { values: [1] } }, 'body.control.values'],
    [
      'srm',
      { counts: { control: 1, treatment: 1 }, planned: { control: 0, treatment: 1 } },
      'body.planned.control',
    ],
    ['adjust', { pValues: [0.5, 1.5], method: 'holm' }, 'body.pValues.1'],
    ['sequential', { informationFractions: [0.5, 0.25] }, 'body.informationFractions'],
    ['sample-size', { baselineRate: 0.1, minimumDetectableEffect: 0.1, extra: 1 }, 'body'],
  ])('%s refuses %j naming %s', async (name, body, path) => {
    const res = await calc(name, body)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_input')
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path)
  })

  it('are in the OpenAPI document, the primary analysis with its shape', async () => {
    const doc = await ctx.request({}, 'GET', '/api/openapi.json')
    for (const name of ['significance', 'sample-size', 'power', 'revenue', 'srm', 'adjust', 'sequential']) {
      expect(doc.body.paths[`/api/calculators/${name}`]?.post).toBeDefined()
    }
    const schemas = doc.body.components.schemas
    expect(schemas.SignificanceResult.properties.primary).toEqual({
      $ref: '#/components/schemas/PrimaryAnalysis',
    })
    expect(Object.keys(schemas.PrimaryAnalysis.properties).sort()).toEqual([
      'alpha',
      'alternative',
      'difference',
      'method',
      'pValue',
      'reason',
      'relativeLift',
      'significant',
    ])
    expect(schemas.SignificanceInput.properties.method.enum).toEqual(['exact', 'score'])
  })
})

describe('levels and splits no double can hold', () => {
  it('refuses them at the edge with 400 naming the field, never a 500', async () => {
    const ctx = await createTestContext()
    try {
      const sig = await ctx.request({}, 'POST', '/api/calculators/significance', {
        control: { deals: 100, conversions: 10 },
        treatment: { deals: 100, conversions: 20 },
        confidence: 5e-324,
      })
      expect(sig.status).toBe(400)
      expect(sig.body.error.details[0].path).toBe('body.confidence')
      const srm = await ctx.request({}, 'POST', '/api/calculators/srm', {
        counts: { control: 500, treatment: 500 },
        planned: { control: 1, treatment: 5e-324 },
      })
      expect(srm.status).toBe(400)
      expect(srm.body.error.details[0].path).toMatch(/^body\.planned/)
    } finally {
      await ctx.close()
    }
  })
})
