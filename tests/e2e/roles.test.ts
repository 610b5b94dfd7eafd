/// <reference lib="dom" />
// page.evaluate and waitForFunction callbacks run in the browser, so they are typed with the DOM.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  LANGS,
  SCREENSHOTS,
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

// Each role's task, in each language, through the real app: the built web app served by the real
// server on a fresh database with the demo seeded, driven in headless Chromium.

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

const suffix = (lang: Lang) => (lang === 'en' ? 'E2E' : 'Е2Е')

describeInBrowser.each(LANGS)('in %s', (lang) => {
  const ws = WORKSPACE[lang]

  it('a marketer adds a stage and a barrier to the map, writes a recommendation and a scored hypothesis', async () => {
    const { context, page, errors } = await signIn(
      browser,
      app.baseUrl,
      'marketer',
      lang,
      `/w/${ws}/journeys`,
    )
    try {
      await page.getByText(t(lang, 'journey.open')).first().click()
      await page.waitForURL(/\/journeys\/\d+$/)
      await seen(page, t(lang, 'journey.rows.barriers'))

      // A stage at the end of the map.
      const stageName =
        lang === 'en' ? `Online reservation ${suffix(lang)}` : `Онлайн-бронирование ${suffix(lang)}`
      await page.getByRole('button', { name: new RegExp(t(lang, 'journey.addStage')) }).click()
      await page.getByPlaceholder(t(lang, 'journey.newStageName')).fill(stageName)
      await page.getByRole('button', { name: t(lang, 'common.add'), exact: true }).click()
      await toast(page, t(lang, 'journey.stageAdded'))
      await seen(page, stageName)

      // A barrier on the new stage (the last column's button).
      const barrierTitle = lang === 'en' ? 'The reservation form asks for the VIN' : 'Форма брони просит VIN'
      await page
        .getByRole('button', { name: new RegExp(t(lang, 'journey.addBarrier')) })
        .last()
        .click()
      const barrierDialog = page.getByRole('dialog')
      await barrierDialog.getByLabel(t(lang, 'journey.barrierTitle'), { exact: true }).fill(barrierTitle)
      await barrierDialog.getByLabel(t(lang, 'journey.kind')).selectOption('process_friction')
      await barrierDialog.getByLabel(t(lang, 'journey.severityLabel')).selectOption('high')
      await barrierDialog.getByLabel(t(lang, 'journey.evidenceSource')).selectOption('mystery_shopper')
      await barrierDialog.locator('button[type=submit]').click()
      await toast(page, t(lang, 'journey.barrierAdded'))
      await seen(page, barrierTitle)

      // A recommendation that removes it.
      const recommendation =
        lang === 'en'
          ? 'Let the customer reserve with a phone number only'
          : 'Дать клиенту бронировать только по номеру телефона'
      await page
        .getByRole('button', { name: new RegExp(t(lang, 'journey.addRecommendation')) })
        .last()
        .click()
      const recDialog = page.getByRole('dialog')
      await recDialog.getByLabel(t(lang, 'journey.recommendationText')).fill(recommendation)
      expect(
        await recDialog.getByLabel(t(lang, 'journey.removesBarrier')).locator('option:checked').textContent(),
      ).toBe(barrierTitle)
      await recDialog.getByLabel(t(lang, 'journey.channel')).selectOption('website')
      await recDialog.locator('button[type=submit]').click()
      await toast(page, t(lang, 'journey.recommendationAdded'))
      await seen(page, recommendation)
      await seen(page, t(lang, 'journey.addressesBarrier', { title: barrierTitle }))
      await screenshot(page, `marketer-${lang}-map`)

      // A hypothesis from it, scored with ICE.
      const recommendationItem = page.locator('li.recommendation', { hasText: recommendation })
      await recommendationItem.getByRole('link', { name: new RegExp(t(lang, 'backlog.new')) }).click()
      await page.waitForURL(/\/backlog\/new\?recommendation=\d+/)
      const change =
        lang === 'en'
          ? 'let customers reserve a car online with a phone number only'
          : 'дадим бронировать машину онлайн только по номеру телефона'
      await page.locator('#change').fill(change)
      await page
        .locator('#expectedOutcome')
        .fill(
          lang === 'en'
            ? 'more online reservations will end in a visit'
            : 'больше онлайн-броней закончится визитом',
        )
      await page
        .locator('#primaryMetric')
        .fill(lang === 'en' ? 'Reservation leads to a visit' : 'Бронь заканчивается визитом')
      await page.locator('#baselineRate').fill('30')
      await page.locator('#expectedLift').fill('6')
      await page.locator('#ice-impact').fill('7')
      await page.locator('#ice-confidence').fill('6')
      await page.locator('#ice-ease').fill('8')
      await page.locator('#status').selectOption('ready')
      await page.getByRole('button', { name: t(lang, 'hypothesis.create') }).click()
      await toast(page, t(lang, 'hypothesis.created'))
      await page.waitForURL(/\/backlog\/\d+$/)

      // The backlog ranks it by its score: 7 × 6 × 8 = 336.
      await page.goto(`/w/${ws}/backlog`)
      const row = page.locator('tbody tr', { hasText: change })
      await row.waitFor()
      expect((await row.locator('.score').textContent())?.trim()).toBe('336')
      expect(await row.textContent()).toContain(t(lang, 'backlog.status.ready'))
      await screenshot(page, `marketer-${lang}-backlog`)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('an analyst designs a test with the power calculation, starts it, imports customers and deals, and reads the results', async () => {
    const { context, page, errors } = await signIn(browser, app.baseUrl, 'analyst', lang, `/w/${ws}/tests`)
    try {
      const hypotheses = await apiGet<{ items: any[] }>(
        page,
        `/api/workspaces/${ws}/hypotheses?status=ready&limit=100`,
      )
      const hypothesis = hypotheses.items[0]
      expect(hypothesis).toBeDefined()

      await page.getByRole('link', { name: new RegExp(t(lang, 'design.title')) }).click()
      await page.waitForURL(/\/tests\/new/)
      await page.locator('#hypothesisId').selectOption(String(hypothesis.id))
      await page.locator('#name').fill(lang === 'en' ? 'Final prices online, E2E' : 'Цены онлайн, Е2Е')
      await page.locator('#baseline').fill('15')
      await page.locator('#lift').fill('10')
      await page.locator('#controlShare').fill('50')

      // The live calculation answers what the calculator API answers for the same inputs.
      const expected = await (
        await page.request.post('/api/calculators/sample-size', {
          data: {
            baselineRate: 0.15,
            minimumDetectableEffect: 0.1,
            alpha: 0.05,
            power: 0.8,
            treatmentShare: 0.5,
            alternative: 'two-sided',
          },
        })
      ).json()
      const needed = page.locator('.needed .big')
      await page.waitForFunction(
        ([text]) => document.querySelector('.needed .big')?.textContent?.replace(/\D/g, '') === text,
        [String(expected.total)],
        { timeout: 15_000 },
      )
      expect((await needed.textContent())?.replace(/\D/g, '')).toBe(String(expected.total))
      await seen(page, t(lang, 'design.reachTitle'))
      expect(await page.locator('.reach li').count()).toBe(2)
      // The segment's yearly deals give the pace, so the duration is estimated without asking.
      expect(Number((await page.locator('#dealsPerWeek').inputValue()).replace(',', '.'))).toBeGreaterThan(0)
      await seen(page, t(lang, 'design.duration'))

      // The target is judged by the hypothesis's own baseline and expected lift: a target short of
      // the planned power for them is created only once the lower power is accepted.
      const frozenControl = Math.round(expected.total * 0.5)
      const atTarget = await (
        await page.request.post('/api/calculators/power', {
          data: {
            baselineRate: hypothesis.baselineRate,
            control: frozenControl,
            treatment: expected.total - frozenControl,
            alpha: 0.05,
            power: 0.8,
            alternative: 'two-sided',
            minimumDetectableEffect: hypothesis.expectedLift,
          },
        })
      ).json()
      await page.waitForFunction(
        (text) => document.querySelector('[data-testid=primary-method]')?.textContent?.includes(text),
        t(lang, `results.primary.methods.${atTarget.primaryMethod.method}`),
      )
      if (atTarget.power < 0.8) await page.getByLabel(t(lang, 'design.acceptShortfall')).check()
      else await page.getByTestId('power-at-target').waitFor()

      await page.getByText(t(lang, 'design.methods.stratified_blocks')).click()
      await page.locator('#blockSize').fill('4')
      await page.locator('#interimLooks').fill('2')
      await screenshot(page, `analyst-${lang}-design`)
      await page.getByRole('button', { name: t(lang, 'design.create') }).click()
      await toast(page, t(lang, 'design.created'))
      await page.waitForURL(/\/tests\/\d+$/)
      const testId = Number(new URL(page.url()).pathname.split('/').pop())

      // Starting asks first, saying the plan will be frozen.
      await page.getByRole('button', { name: t(lang, 'testPage.start') }).click()
      const confirm = page.getByRole('dialog')
      expect(await confirm.textContent()).toContain(t(lang, 'testPage.startBody'))
      await confirm.getByRole('button', { name: t(lang, 'testPage.startConfirm') }).click()
      await toast(page, t(lang, 'testPage.started'))
      await seen(page, t(lang, 'tests.status.running'))
      const test = await apiGet(page, `/api/workspaces/${ws}/tests/${testId}`)
      expect(test.status).toBe('running')
      expect(test.frozenPlan).toMatchObject({
        assignmentMethod: 'stratified_blocks',
        blockSize: 4,
        interimLooks: 2,
        targetDeals: expected.total,
      })

      // Customers: a spreadsheet export with its own column names, mapped on screen.
      const keys = Array.from(
        { length: 40 },
        (_, i) => `CRM-${lang.toUpperCase()}-${String(i + 1).padStart(4, '0')}`,
      )
      const dealers = lang === 'en' ? ['North', 'South'] : ['Север', 'Юг']
      const customers = [`Client ID;Dealer`, ...keys.map((key, i) => `${key};${dealers[i % 2]}`)].join('\r\n')
      await page
        .locator('#import-customers')
        .setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(customers) })
      expect(await page.locator('#import-customers-customerKey').inputValue()).toBe('Client ID')
      expect(await page.locator('#import-customers-stratum').inputValue()).toBe('Dealer')
      await seen(page, keys[0]!)
      await page
        .getByRole('button', {
          name: new RegExp(lang === 'en' ? 'Assign 40 customers' : 'Распределить 40 клиентов'),
        })
        .click()
      await seen(page, lang === 'en' ? '40 customers assigned.' : 'Распределены 40 клиентов.')

      // The assignment file is there to download, one line per customer.
      const href = await page
        .getByRole('link', { name: new RegExp(t(lang, 'testPage.downloadAssignments')) })
        .getAttribute('href')
      const file = await (await page.request.get(href!)).text()
      const lines = file
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/)
      expect(lines).toHaveLength(41)
      const groupOf = new Map(
        lines
          .slice(1)
          .map((line) => line.split(','))
          .map((cells) => [cells[0]!, cells[1]!]),
      )
      expect([...groupOf.keys()].sort()).toEqual([...keys].sort())

      // Deals: one row names a customer never assigned; the whole file is refused and the row shown.
      const now = new Date().toISOString()
      const dealRows = keys
        .slice(0, 30)
        .map((key, i) => [
          `D-${lang}-${i + 1}`,
          key,
          now,
          i % 3 === 0 ? 'yes' : 'no',
          i % 3 === 0 ? '1250,50' : '',
        ])
      const toCsv = (rows: string[][]) =>
        ['deal_id;customer;closed;extras;revenue', ...rows.map((r) => r.join(';'))].join('\n')
      const bad = dealRows.map((r) => [...r])
      bad[4]![1] = 'CRM-NOBODY-9999'
      await page
        .locator('#import-deals')
        .setInputFiles({ name: 'deals.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv(bad)) })
      for (const [field, column] of [
        ['externalId', 'deal_id'],
        ['customerKey', 'customer'],
        ['closedAt', 'closed'],
        ['converted', 'extras'],
        ['revenue', 'revenue'],
      ]) {
        if ((await page.locator(`#import-deals-${field}`).inputValue()) !== column)
          await page.locator(`#import-deals-${field}`).selectOption(column!)
      }
      await page
        .getByRole('button', { name: new RegExp(lang === 'en' ? 'Import 30 deals' : 'Загрузить 30 сделок') })
        .click()
      await seen(page, t(lang, 'csvImport.refusedTitle'))
      const refused = page.locator('.refused tbody tr')
      expect(await refused.count()).toBe(1)
      const refusedText = (await refused.first().textContent()) ?? ''
      expect(refusedText).toContain('6') // line 6 of the file: the fifth deal
      expect(refusedText).toContain('CRM-NOBODY-9999')
      expect(refusedText).toContain('never assigned') // the server's reason, as it wrote it
      await seen(
        page,
        lang === 'en' ? '1 row refused; nothing was written.' : '1 строка отклонена; ничего не записано.',
      )
      await screenshot(page, `analyst-${lang}-refused-row`)
      expect((await apiGet(page, `/api/workspaces/${ws}/tests/${testId}/deals`)).items).toHaveLength(0)

      // The corrected file goes in whole.
      await page.locator('#import-deals').setInputFiles({
        name: 'deals-fixed.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(toCsv(dealRows)),
      })
      await page
        .getByRole('button', { name: new RegExp(lang === 'en' ? 'Import 30 deals' : 'Загрузить 30 сделок') })
        .click()
      await seen(page, lang === 'en' ? '30 deals recorded.' : 'Записаны 30 сделок.')

      // The results read the deals: progress per arm as assigned, the verdict in words.
      const control = keys.slice(0, 30).filter((key) => groupOf.get(key) === 'control').length
      await page.waitForFunction(
        ([text]) => document.body.textContent?.includes(text!),
        [
          lang === 'en'
            ? `30 of ${expected.total.toLocaleString('en')} deals`
            : `30 из ${expected.total.toLocaleString('ru')} сделок`,
        ],
        { timeout: 15_000 },
      )
      const progress = (await page.locator('.progress-facts').textContent()) ?? ''
      expect(progress).toContain(lang === 'en' ? `${control} deal` : `${control} сдел`)
      const results = await apiGet(page, `/api/workspaces/${ws}/tests/${testId}/results?lang=${lang}`)
      expect(results.progress.deals).toEqual({ control, treatment: 30 - control, total: 30 })
      const summary = (await page.getByTestId('verdict-summary').textContent())?.trim()
      expect(summary).toBe(results.summary ?? results.verdict.summary[lang])
      // Planned interim looks guard the early reading (no "provisional" warning then): the
      // headline says the test is collecting, the looks and the strata balance are shown.
      await seen(page, t(lang, 'results.headline.collecting'))
      await seen(page, t(lang, 'results.looksTitle'))
      await seen(page, t(lang, 'results.balanceTitle'))
      await screenshot(page, `analyst-${lang}-results`)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('a leader reads the verdict and the close-out of the completed demo test in the portfolio, rolls it out without proof, and prints the report', async () => {
    const { context, page, errors } = await signIn(browser, app.baseUrl, 'leader', lang, `/w/${ws}/portfolio`)
    try {
      const portfolio = await apiGet(page, `/api/workspaces/${ws}/portfolio?lang=${lang}`)
      const completed = portfolio.tests.find((test: any) => test.status === 'completed')
      expect(completed).toBeDefined()
      // The demo's completed test is closed out as inconclusive: its rise is not proven.
      const test = await apiGet(page, `/api/workspaces/${ws}/tests/${completed.id}`)
      expect(test.closeOut.outcome).toBe('inconclusive')
      expect(test.links.barrier).not.toBeNull()
      const outcome = t(lang, 'closeOut.outcomes.inconclusive')

      const card = page.locator('article.test-card', { hasText: completed.name })
      await card.waitFor()
      expect((await card.getByTestId('portfolio-summary').textContent())?.trim()).toBe(
        completed.result.summary,
      )
      // The big figure is the primary analysis's relative lift, under the server's headline.
      const lift = new Intl.NumberFormat(lang, {
        style: 'percent',
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
        signDisplay: 'exceptZero',
      }).format(completed.result.relativeLift.estimate)
      expect((await card.locator('.figure .big').textContent())?.replace(/\s/g, '')).toBe(
        lift.replace(/\s/g, ''),
      )
      expect((await card.getByTestId('portfolio-headline').textContent())?.trim()).toBe(
        t(lang, `results.headline.${completed.result.headline}`),
      )
      expect(await card.textContent()).toContain(t(lang, 'portfolio.impact'))
      expect((await card.getByTestId('portfolio-close-out').textContent())?.trim()).toBe(
        t(lang, 'decision.closeOut', { outcome }),
      )
      await screenshot(page, `leader-${lang}-portfolio`)

      // The decision: the close-out comes first, and nothing is chosen for the leader.
      await card.getByRole('button', { name: t(lang, 'tests.decide') }).click()
      const dialog = page.getByRole('dialog')
      const closeOut = dialog.getByTestId('decision-close-out')
      await closeOut.waitFor()
      expect(await closeOut.textContent()).toContain(t(lang, 'decision.closeOut', { outcome }))
      expect(await dialog.locator('input[name=verdict]:checked').count()).toBe(0)
      await screenshot(page, `leader-${lang}-decision-open`)
      await dialog.getByText(t(lang, 'tests.verdicts.roll_out')).click()
      const rationale =
        lang === 'en'
          ? 'Extras bought rose by twelve points; the chance it helps is high and the chain costs little.'
          : 'Доля допоборудования выросла на двенадцать пунктов; вероятность пользы высокая, цепочка стоит недорого.'
      await dialog.getByLabel(t(lang, 'tests.rationale')).fill(rationale)
      await dialog.getByLabel(new RegExp(t(lang, 'decision.rolloutStartsOn'))).fill('2026-12-01')

      // Rolling out what the close-out did not call supported needs the acknowledgement, and a
      // roll-out says whether it removes the barrier or only reduces it.
      const acknowledge = dialog.getByLabel(t(lang, 'decision.acknowledgeUnproven'))
      expect(await acknowledge.isChecked()).toBe(false)
      expect(await dialog.textContent()).toContain(t(lang, 'decision.acknowledgeUnprovenHint', { outcome }))
      expect(await dialog.locator('input[name=barrier-effect]:checked').count()).toBe(0)
      await dialog.getByRole('button', { name: t(lang, 'decision.record') }).click()
      await dialog.getByText(t(lang, 'decision.acknowledgeRequired')).waitFor()
      await dialog.getByText(t(lang, 'decision.barrierEffectRequired')).waitFor()
      await acknowledge.check()
      await dialog.getByText(t(lang, 'decision.barrierEffects.addressed')).click()
      await screenshot(page, `leader-${lang}-decision`)
      await dialog.getByRole('button', { name: t(lang, 'decision.record') }).click()
      await toast(page, t(lang, 'tests.decided'))
      const decidedRow = page.locator('tbody tr', { hasText: completed.name })
      await decidedRow.waitFor()
      expect(await decidedRow.textContent()).toContain(t(lang, 'tests.verdicts.roll_out'))
      expect((await decidedRow.getByTestId('without-proof').textContent())?.trim()).toBe(
        t(lang, 'decision.withoutProofBadge'),
      )
      const decision = await apiGet(page, `/api/workspaces/${ws}/tests/${completed.id}/decision`)
      expect(decision).toMatchObject({
        verdict: 'roll_out',
        rationale,
        rolloutStartsOn: '2026-12-01',
        unprovenAcknowledged: true,
        barrierEffect: 'addressed',
      })
      await screenshot(page, `leader-${lang}-portfolio-decided`)

      // The test's page opens with the close-out and the decision, above the results.
      await decidedRow.getByRole('link', { name: completed.name }).click()
      await page.waitForURL(new RegExp(`/tests/${completed.id}$`))
      const decisionCard = page.getByTestId('decision')
      await decisionCard.waitFor()
      expect(await decisionCard.textContent()).toContain(t(lang, 'decision.withoutProof'))
      expect(await decisionCard.textContent()).toContain(rationale)
      expect(await page.getByTestId('close-out').textContent()).toContain(outcome)

      await page.locator('.tiles').waitFor()
      await screenshot(page, `leader-${lang}-rolled-out-test`)

      // The primary analysis is the result; the other methods are apart, each with why it may differ.
      const { verdict } = await apiGet(
        page,
        `/api/workspaces/${ws}/tests/${completed.id}/results?lang=${lang}`,
      )
      expect(verdict.primary).toBeDefined()
      expect(await page.getByTestId('primary-analysis').textContent()).toContain(
        t(lang, `results.primary.methods.${verdict.primary.method}`),
      )
      const others = page.getByTestId('other-methods')
      expect(await others.evaluate((node) => (node as HTMLDetailsElement).open)).toBe(false)
      await others.locator('summary').click()
      const rows = others.locator('tbody tr')
      expect(await rows.count()).toBe(verdict.checks.length)
      for (const [index, check] of verdict.checks.entries())
        expect(await rows.nth(index).textContent()).toContain(
          t(lang, `results.whyDifferent.${check.whyDifferent}`),
        )
      await others.scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(SCREENSHOTS, `leader-${lang}-other-methods.png`) })

      // The one-page report, printed.
      await page.getByRole('link', { name: t(lang, 'testPage.report') }).click()
      await page.waitForURL(/\/report$/)
      await seen(page, t(lang, 'report.decision'))
      await seen(page, rationale)
      expect(await page.getByTestId('report-close-out').textContent()).toContain(outcome)
      expect(await page.getByTestId('report-decision').textContent()).toContain(
        t(lang, 'decision.withoutProof'),
      )
      await page.locator('.sheet canvas').first().waitFor()
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll('.sheet canvas')).every(
          (c) => (c as HTMLCanvasElement).width > 0,
        ),
      )
      await screenshot(page, `leader-${lang}-report`)
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true })
      writeFileSync(join(SCREENSHOTS, `leader-${lang}-report.pdf`), pdf)
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []
      expect(pages).toHaveLength(1)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('an analyst closes out a test completed early, after which a leader decides it and its page opens with the decision', async () => {
    const analyst = await signIn(browser, app.baseUrl, 'analyst', lang, `/w/${ws}/tests`)
    const leader = await signIn(browser, app.baseUrl, 'leader', lang, `/w/${ws}/tests`)
    try {
      // The demo's running test, completed early by hand with a reason.
      const tests = await apiGet<{ items: any[] }>(analyst.page, `/api/workspaces/${ws}/tests?status=running`)
      const running = tests.items.sort((a, b) => a.id - b.id)[0]
      expect(running).toBeDefined()
      const completed = await analyst.page.request.post(
        `/api/workspaces/${ws}/tests/${running.id}/complete`,
        {
          data: {
            reason: lang === 'en' ? 'The dealers stop the status emails.' : 'Дилеры прекращают рассылку.',
          },
        },
      )
      expect(completed.status()).toBe(200)
      const path = `/w/${ws}/tests/${running.id}`

      // Before the close-out a leader can only extend the test: the dialog says the analyst closes
      // it out first, and rolling out, rejecting and iterating wait for that.
      await leader.page.goto(path)
      await seen(leader.page, t(lang, 'closeOut.awaiting'))
      await leader.page.getByRole('button', { name: t(lang, 'tests.decide') }).click()
      const early = leader.page.getByRole('dialog')
      await early.getByTestId('decision-not-closed-out').waitFor()
      expect(await early.getByTestId('decision-not-closed-out').textContent()).toContain(
        t(lang, 'decision.notClosedOut'),
      )
      for (const option of ['roll_out', 'reject', 'iterate'])
        expect(await early.locator(`input[name=verdict][value=${option}]`).isDisabled()).toBe(true)
      expect(await early.locator('input[name=verdict][value=extend]').isDisabled()).toBe(false)
      expect(await early.locator('input[name=verdict]:checked').count()).toBe(0)
      await screenshot(leader.page, `leader-${lang}-decision-not-closed-out`)
      await early.getByRole('button', { name: t(lang, 'common.cancel') }).click()

      // The analyst: the suggestion first, with its reason in words, and no outcome chosen.
      const { page } = analyst
      await page.goto(path)
      const results = await apiGet(page, `/api/workspaces/${ws}/tests/${running.id}/results?lang=${lang}`)
      const suggestion = results.closeOut.suggestion
      expect(suggestion).not.toBeNull()
      const suggested = page.getByTestId('close-out-suggestion')
      await suggested.waitFor()
      expect(await suggested.textContent()).toContain(t(lang, `closeOut.outcomes.${suggestion.outcome}`))
      expect(await suggested.textContent()).toContain(t(lang, `closeOut.reasons.${suggestion.reason}`))
      expect(await page.locator('input[name=close-out-outcome]:checked').count()).toBe(0)
      await page.getByRole('button', { name: t(lang, 'closeOut.submit') }).click()
      await seen(page, t(lang, 'closeOut.outcomeRequired'))

      // The analyst's call differs from the suggestion; the record keeps both.
      const outcome = suggestion.outcome === 'refuted' ? 'inconclusive' : 'refuted'
      const learnings =
        lang === 'en'
          ? 'Customers waiting for imported cars found the weekly status emails vague; dealers got more calls, not fewer.'
          : 'Клиенты, ждущие машину под заказ, сочли еженедельные письма расплывчатыми; звонков дилерам стало больше, а не меньше.'
      await page.getByText(t(lang, `closeOut.outcomes.${outcome}`), { exact: true }).click()
      await page.getByLabel(new RegExp(t(lang, 'closeOut.learnings'))).fill(learnings)
      await screenshot(page, `analyst-${lang}-close-out`)
      await page.getByRole('button', { name: t(lang, 'closeOut.submit') }).click()
      await toast(page, t(lang, 'closeOut.saved'))
      const recorded = page.getByTestId('close-out')
      await recorded.waitFor()
      const recordedText = (await recorded.textContent()) ?? ''
      expect(recordedText).toContain(t(lang, `closeOut.outcomes.${outcome}`))
      expect(recordedText).toContain(learnings)
      expect(recordedText).toContain(
        t(lang, 'closeOut.differs', { outcome: t(lang, `closeOut.outcomes.${suggestion.outcome}`) }),
      )
      expect(recordedText).toContain('Anton Analyst')
      await screenshot(page, `analyst-${lang}-closed-out`)
      const test = await apiGet(page, `/api/workspaces/${ws}/tests/${running.id}`)
      expect(test.closeOut).toMatchObject({ outcome, suggested: suggestion.outcome, learnings })
      const hypothesis = await apiGet(page, `/api/workspaces/${ws}/hypotheses/${test.hypothesisId}`)
      expect(hypothesis.status).toBe(outcome)

      // The leader decides on the close-out, and the page then opens with the decision.
      await leader.page.reload()
      await leader.page.getByRole('button', { name: t(lang, 'tests.decide') }).click()
      const dialog = leader.page.getByRole('dialog')
      await dialog.getByTestId('decision-close-out').waitFor()
      expect(await dialog.getByTestId('decision-close-out').textContent()).toContain(learnings)
      await dialog.getByText(t(lang, 'tests.verdicts.reject')).click()
      const rationale =
        lang === 'en'
          ? 'The emails did not help and added calls: we stop them.'
          : 'Письма не помогли и добавили звонков: прекращаем.'
      await dialog.getByLabel(t(lang, 'tests.rationale')).fill(rationale)
      await dialog.getByRole('button', { name: t(lang, 'decision.record') }).click()
      await toast(leader.page, t(lang, 'tests.decided'))
      const decision = leader.page.getByTestId('decision')
      await decision.waitFor()
      const decisionText = (await decision.textContent()) ?? ''
      expect(decisionText).toContain(t(lang, 'tests.verdicts.reject'))
      expect(decisionText).toContain(rationale)
      expect(decisionText).toContain('Lena Leader')
      // Close-out and decision come before the results.
      const order = await leader.page.evaluate(() =>
        ['[data-testid=close-out]', '[data-testid=decision]', '[data-testid=verdict-summary]'].map(
          (selector) => Array.from(document.querySelectorAll('*')).indexOf(document.querySelector(selector)!),
        ),
      )
      expect(order).toEqual([...order].sort((a, b) => a - b))
      await leader.page.locator('.tiles').waitFor()
      await screenshot(leader.page, `leader-${lang}-decided-test`)
      expect(analyst.errors).toEqual([])
      expect(leader.errors).toEqual([])
    } finally {
      await analyst.context.close()
      await leader.context.close()
    }
  })
})
