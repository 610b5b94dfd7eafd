/// <reference lib="dom" />
// page.evaluate and waitForFunction callbacks run in the browser, so they are typed with the DOM.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  LANGS,
  WORKSPACE,
  apiGet,
  browserMissing,
  describeInBrowser,
  launchBrowser,
  screenshot,
  seen,
  signIn,
  startApp,
  t,
  toast,
  type Lang,
} from './harness.ts'
import { formatDate } from '../../web/src/lib/format.ts'

// One verdict a leader can trust, in both languages: the decided tests' pages open with their
// close-out and decision, the headline is the server's, the interval and the chart's band agree
// with it, money carries the workspace's currency, the design says what the target can see, and a
// completed test can be extended before its close-out.

let app: Awaited<ReturnType<typeof startApp>>
let browser: Browser

beforeAll(async () => {
  if (browserMissing) return
  ;[app, browser] = await Promise.all([startApp(), launchBrowser()])
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

/** The currency's symbol as the interface language writes it ("₽", "€"). */
function currencySymbol(lang: Lang, currency: string): string {
  const parts = new Intl.NumberFormat(lang, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
  }).formatToParts(1)
  return parts.find((part) => part.type === 'currency')!.value
}

/**
 * An amount of money where each language puts its symbol: "1 234 ₽" (the symbol after the
 * number, spaced) in Russian, "€1,234" in English.
 */
function moneyPattern(lang: Lang, symbol: string): RegExp {
  const escaped = symbol.replace(/[$]/g, '\\$&')
  return lang === 'ru' ? new RegExp(`\\d[\\s\\u00a0\\u202f]${escaped}`) : new RegExp(`${escaped}\\d`)
}

/** The two ends of an interval as the screen writes it ("+2,1 п. п. – +21,0 п. п."). */
function readInterval(text: string): [number, number] {
  const ends = text.split('\u2013').map((end) =>
    Number(
      end
        .replace(/\u2212/g, '-')
        .replace(/[^\d,.+-]/g, '')
        .replace(/\.+$/, '')
        .replace(',', '.'),
    ),
  )
  expect(ends).toHaveLength(2)
  expect(ends.every(Number.isFinite)).toBe(true)
  return [ends[0]!, ends[1]!]
}

/** Whether the elements come in this order on the page. */
async function inOrder(page: Page, selectors: string[]): Promise<boolean> {
  const positions = await page.evaluate(
    (list) => list.map((s) => Array.from(document.querySelectorAll('*')).indexOf(document.querySelector(s)!)),
    selectors,
  )
  return positions.every((at, i) => at >= 0 && (i === 0 || at > positions[i - 1]!))
}

/** Nothing runs off the side of the screen. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
}

describeInBrowser.each(LANGS)('in %s', (lang) => {
  const ws = WORKSPACE[lang]

  it('the decided tests open with their close-out and decision, then one consistent verdict with money in the currency', async () => {
    const { context, page, errors } = await signIn(browser, app.baseUrl, 'leader', lang, `/w/${ws}/portfolio`)
    try {
      const tests = (await apiGet<{ items: any[] }>(page, `/api/workspaces/${ws}/tests?status=decided`)).items
      const members = (await apiGet<{ items: any[] }>(page, `/api/workspaces/${ws}/members`)).items
      const nameOf = (userId: number) => members.find((m) => m.userId === userId)!.name
      expect(tests).toHaveLength(2)

      const seenHeadlines: string[] = []
      for (const test of tests) {
        const results = await apiGet(page, `/api/workspaces/${ws}/tests/${test.id}/results?lang=${lang}`)
        const decision = await apiGet(page, `/api/workspaces/${ws}/tests/${test.id}/decision`)
        await page.goto(`/w/${ws}/tests/${test.id}`)

        // Who closed it out and decided, when, and why, above the results.
        const closeOut = page.getByTestId('close-out')
        const decisionCard = page.getByTestId('decision')
        await decisionCard.waitFor()
        await page.getByTestId('verdict-summary').waitFor()
        const closeOutText = (await closeOut.textContent()) ?? ''
        expect(closeOutText).toContain(t(lang, `closeOut.outcomes.${test.closeOut.outcome}`))
        expect(closeOutText).toContain(
          t(lang, 'closeOut.recordedBy', {
            name: nameOf(test.closeOut.closedOutBy),
            date: formatDate(test.closeOut.closedOutAt, lang),
          }),
        )
        const decisionText = (await decisionCard.textContent()) ?? ''
        expect(decisionText).toContain(t(lang, `tests.verdicts.${decision.verdict}`))
        expect(decisionText).toContain(
          t(lang, 'decision.decidedBy', {
            name: nameOf(decision.decidedBy),
            date: formatDate(decision.decidedAt, lang),
          }),
        )
        expect(decisionText).toContain(decision.rationale)
        expect(
          await inOrder(page, [
            '[data-testid=close-out]',
            '[data-testid=decision]',
            '#verdict-heading',
            '[data-testid=band-end]',
          ]),
        ).toBe(true)

        // One verdict: the server's headline, the significance of the p-value, the difference
        // interval and the chart band's last day say the same thing.
        const headline = (await page.locator('#verdict-heading').textContent())?.trim()
        expect(headline).toBe(t(lang, `results.headline.${results.headline}`))
        seenHeadlines.push(results.headline)
        const significant = results.headline === 'significant_rise' || results.headline === 'significant_fall'
        expect(results.verdict.primary.significant).toBe(significant)
        const differenceTile = page.locator('.tile', { hasText: t(lang, 'results.primary.differencePoints') })
        const shownInterval = ((await differenceTile.locator('.detail').textContent()) ?? '').trim()
        const [lower, upper] = readInterval(shownInterval)
        expect(lower > 0 || upper < 0).toBe(significant)
        const pTile = page.locator('.tile', { hasText: t(lang, 'results.pValue') }).first()
        expect(await pTile.textContent()).toContain(
          t(lang, significant ? 'results.primary.significant' : 'results.primary.notSignificant', {
            alpha: String(results.verdict.primary.alpha).replace('.', lang === 'ru' ? ',' : '.'),
          }),
        )
        const bandEnd = ((await page.getByTestId('band-end').textContent()) ?? '').trim()
        expect(bandEnd.endsWith(shownInterval)).toBe(true)
        await page.locator('.chart canvas').nth(1).waitFor()

        // Money in the workspace's currency: the revenue difference per deal, over all deals.
        const symbol = currencySymbol(lang, results.currency)
        const revenueTile = page.locator('.tile', { hasText: t(lang, 'results.revenueDifference') })
        const revenueText = (await revenueTile.textContent()) ?? ''
        expect(revenueText).toMatch(moneyPattern(lang, symbol))
        expect(revenueText).toContain(t(lang, 'results.revenueBasis', { interval: '' }).split(';')[0])

        // The report reads the same.
        await page.goto(`/w/${ws}/tests/${test.id}/report`)
        await page.getByTestId('report-decision').waitFor()
        expect((await page.locator('.sheet .verdict h2').textContent())?.trim()).toBe(headline)
        expect(await page.getByTestId('report-decision').textContent()).toContain(decision.rationale)
        expect(await page.getByTestId('report-revenue').textContent()).toMatch(moneyPattern(lang, symbol))
        expect(
          ((await page.getByTestId('band-end').textContent()) ?? '').trim().endsWith(shownInterval),
        ).toBe(true)
      }
      // The demo decided one test on a significant rise and one on an unproven result.
      expect(seenHeadlines.sort()).toEqual(['not_proven', 'significant_rise'])
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it("the portfolio leads each test with the server's headline and the primary lift, and counts money in the currency", async () => {
    const { context, page, errors } = await signIn(browser, app.baseUrl, 'leader', lang, `/w/${ws}/portfolio`)
    try {
      const portfolio = await apiGet(page, `/api/workspaces/${ws}/portfolio?lang=${lang}`)
      const symbol = currencySymbol(lang, portfolio.currency)
      if (lang === 'ru') expect(symbol).toBe('₽')
      const money = moneyPattern(lang, symbol)

      const total = page.locator('.tile', { hasText: t(lang, 'portfolio.rolledOutImpact') })
      await total.waitFor()
      expect(await total.locator('.value').textContent()).toMatch(money)

      const awaiting = portfolio.tests.find((test: any) => test.status === 'completed')
      const card = page.locator('article.test-card', { hasText: awaiting.name })
      expect((await card.getByTestId('portfolio-headline').textContent())?.trim()).toBe(
        t(lang, `results.headline.${awaiting.result.headline}`),
      )
      const lift = card.getByTestId('portfolio-lift')
      expect(await lift.locator('dt').textContent()).toBe(t(lang, 'results.primary.liftTile'))
      const [lower, upper] = readInterval((await lift.locator('.range').textContent()) ?? '')
      expect(lower > 0 || upper < 0).toBe(awaiting.result.significant)
      expect(await card.locator('.figure', { hasText: t(lang, 'portfolio.impact') }).textContent()).toMatch(
        money,
      )
      // Bayes only among the other methods.
      expect(await card.locator('.figure.other').textContent()).toContain(t(lang, 'results.otherMethods'))

      for (const id of portfolio.decided) {
        const test = portfolio.tests.find((item: any) => item.id === id)
        const row = page.locator('tbody tr', { hasText: test.name })
        expect((await row.locator('.headline-cell').textContent())?.trim()).toBe(
          t(lang, `results.headline.${test.result.headline}`),
        )
        if (test.impact) expect(await row.textContent()).toMatch(money)
      }
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('an analyst designing a test reads the primary method and, for a short target, the lower power, and must accept it', async () => {
    const { context, page, errors } = await signIn(
      browser,
      app.baseUrl,
      'analyst',
      lang,
      `/w/${ws}/tests/new`,
    )
    try {
      const hypotheses = (
        await apiGet<{ items: any[] }>(page, `/api/workspaces/${ws}/hypotheses?status=ready&limit=100`)
      ).items.filter((h) => h.baselineRate !== null && h.expectedLift !== null)
      const hypothesis = hypotheses[0]
      expect(hypothesis).toBeDefined()
      await page.locator('#hypothesisId').selectOption(String(hypothesis.id))
      await page.locator('#name').fill(lang === 'en' ? 'Short target, E2E' : 'Короткая цель, Е2Е')
      await page.locator('#controlShare').fill('50')
      await page.locator('#targetDeals').fill('40')

      // What the calculator answers for the arms the start will freeze, at the hypothesis's own
      // baseline and expected lift.
      const reply = await (
        await page.request.post('/api/calculators/power', {
          data: {
            baselineRate: hypothesis.baselineRate,
            control: 20,
            treatment: 20,
            alpha: 0.05,
            power: 0.8,
            alternative: 'two-sided',
            minimumDetectableEffect: hypothesis.expectedLift,
          },
        })
      ).json()
      expect(reply.power).toBeLessThan(0.8)
      const method = page.getByTestId('primary-method')
      await method.waitFor()
      await page.waitForFunction(
        (text) => document.querySelector('[data-testid=primary-method]')?.textContent?.includes(text),
        t(lang, `results.primary.methods.${reply.primaryMethod.method}`),
      )
      const smallest = new Intl.NumberFormat(lang, {
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      }).format(reply.primaryMethod.smallestExpected)
      expect(await method.textContent()).toContain(
        t(lang, `design.primaryReasons.${reply.primaryMethod.reason}`, {
          method: t(lang, `results.primary.methods.${reply.primaryMethod.method}`),
          smallest,
        }),
      )
      const shortfall = page.getByTestId('power-shortfall')
      await shortfall.waitFor()
      const shown = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(
        reply.power,
      )
      expect((await shortfall.locator('.big').textContent())?.replace(/\s/g, '')).toBe(
        shown.replace(/\s/g, ''),
      )
      await screenshot(page, `analyst-${lang}-design-shortfall`)

      // Not created until the lower power is accepted.
      await page.getByRole('button', { name: t(lang, 'design.create') }).click()
      await seen(page, t(lang, 'design.acceptRequired'))
      expect(page.url()).toMatch(/\/tests\/new$/)
      await page.getByLabel(t(lang, 'design.acceptShortfall')).check()
      await page.getByRole('button', { name: t(lang, 'design.create') }).click()
      await toast(page, t(lang, 'design.created'))
      await page.waitForURL(/\/tests\/\d+$/)
      const testId = Number(new URL(page.url()).pathname.split('/').pop())

      // The draft says the same, and the start freezes the method it named.
      const draftShortfall = page.getByTestId('power-shortfall')
      await draftShortfall.waitFor()
      expect((await draftShortfall.locator('.big').textContent())?.replace(/\s/g, '')).toBe(
        shown.replace(/\s/g, ''),
      )
      expect(await page.getByTestId('primary-method').textContent()).toContain(
        t(lang, `results.primary.methods.${reply.primaryMethod.method}`),
      )
      expect(await page.getByTestId('plan-primary').textContent()).toContain(t(lang, 'plan.primaryAtStart'))
      const started = await page.request.post(`/api/workspaces/${ws}/tests/${testId}/start`)
      expect(started.status()).toBe(200)
      const test = await apiGet(page, `/api/workspaces/${ws}/tests/${testId}`)
      expect(test.frozenPlan.primaryMethod).toBe(reply.primaryMethod.method)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('a leader extends a completed test before its close-out; the other verdicts wait for it', async () => {
    const analyst = await signIn(browser, app.baseUrl, 'analyst', lang, `/w/${ws}/tests`)
    const leader = await signIn(browser, app.baseUrl, 'leader', lang, `/w/${ws}/tests`)
    try {
      // The demo's running test (the lowest id: a test started here later runs too).
      const running = (
        await apiGet<{ items: any[] }>(analyst.page, `/api/workspaces/${ws}/tests?status=running`)
      ).items.sort((a, b) => a.id - b.id)[0]
      expect(running).toBeDefined()
      const completed = await analyst.page.request.post(
        `/api/workspaces/${ws}/tests/${running.id}/complete`,
        {
          data: { reason: lang === 'en' ? 'Reviewed early.' : 'Смотрим досрочно.' },
        },
      )
      expect(completed.status()).toBe(200)

      const { page } = leader
      await page.goto(`/w/${ws}/tests/${running.id}`)
      await seen(page, t(lang, 'closeOut.awaiting'))
      await page.getByRole('button', { name: t(lang, 'tests.decide') }).click()
      const dialog = page.getByRole('dialog')
      await dialog.getByTestId('decision-not-closed-out').waitFor()
      expect(await dialog.locator('input[name=verdict]:checked').count()).toBe(0)
      for (const option of ['roll_out', 'reject', 'iterate']) {
        const choice = dialog.locator('label.choice', { has: page.locator(`input[value=${option}]`) })
        expect(await choice.locator('input').isDisabled()).toBe(true)
        expect(await choice.textContent()).toContain(t(lang, 'decision.needsCloseOut'))
      }
      await screenshot(page, `leader-${lang}-extend-before-close-out`)
      await dialog.getByText(t(lang, 'tests.verdicts.extend'), { exact: true }).click()
      const target = running.frozenPlan.targetDeals + 60
      await dialog.locator('#extend-target').fill(String(target))
      const rationale =
        lang === 'en'
          ? 'Too few deals to tell yet: collect sixty more.'
          : 'Сделок слишком мало, чтобы судить: соберём ещё шестьдесят.'
      await dialog.getByLabel(t(lang, 'tests.rationale')).fill(rationale)
      await dialog.getByRole('button', { name: t(lang, 'decision.record') }).click()
      await toast(page, t(lang, 'tests.decided'))
      const after = await apiGet(page, `/api/workspaces/${ws}/tests/${running.id}`)
      expect(after.status).toBe('running')
      expect(after.frozenPlan.targetDeals).toBe(target)
      expect(analyst.errors).toEqual([])
      expect(leader.errors).toEqual([])
    } finally {
      await analyst.context.close()
      await leader.context.close()
    }
  })

  it('the results page, the report and the portfolio fit a phone screen', async () => {
    const { context, page, errors } = await signIn(browser, app.baseUrl, 'leader', lang, `/w/${ws}/portfolio`)
    try {
      await page.setViewportSize({ width: 390, height: 844 })
      const decided = (await apiGet<{ items: any[] }>(page, `/api/workspaces/${ws}/tests?status=decided`))
        .items
      for (const path of [
        `/w/${ws}/portfolio`,
        `/w/${ws}/tests/${decided[0].id}`,
        `/w/${ws}/tests/${decided[0].id}/report`,
      ]) {
        await page.goto(path)
        await page.locator('h1').first().waitFor()
        await page.waitForLoadState('networkidle')
        expect(await fitsWidth(page), path).toBe(true)
      }
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
