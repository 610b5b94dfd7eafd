/// <reference lib="dom" />
// page.evaluate and waitForFunction callbacks run in the browser, so they are typed with the DOM.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  LANGS,
  WORKSPACE,
  apiGet,
  browserMissing,
  describeInBrowser,
  launchBrowser,
  seen,
  signIn,
  startApp,
  t,
  toast,
  type Lang,
} from './harness.ts'
import { formatMoney, formatNumber, formatPercent } from '../../web/src/lib/format.ts'
import { CAR_SALES_STAGES } from '../../web/src/lib/car-sales-template.ts'

// Segments and journey maps made from the interface, a running test paused, resumed and amended
// with a reason, and numbers typed the way each language writes them; through the real app.

const SHOTS = '/tmp/shots16'

let app: Awaited<ReturnType<typeof startApp>>
let browser: Browser

beforeAll(async () => {
  if (browserMissing) return
  mkdirSync(SHOTS, { recursive: true })
  ;[app, browser] = await Promise.all([startApp(), launchBrowser()])
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

/**
 * Pictures of the page at a desktop and a phone width, failing if anything runs off the phone's
 * screen (a page wider than the viewport, or an element whose right edge passes it).
 */
async function shoot(page: Page, name: string) {
  for (const width of [1360, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 })
    await page.waitForTimeout(150)
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true })
    if (width === 390) {
      const overflow = await page.evaluate(() => {
        const limit = document.documentElement.clientWidth
        // Inside a box that scrolls or clips sideways (the navigation, a wide table) is not off-screen.
        const clipped = (element: HTMLElement) => {
          for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
            if (getComputedStyle(box).overflowX !== 'visible') return true
          }
          return false
        }
        const wide = Array.from(document.querySelectorAll<HTMLElement>('body *')).filter((element) => {
          const box = element.getBoundingClientRect()
          return (
            box.width > 0 &&
            box.right > limit + 1 &&
            getComputedStyle(element).position !== 'fixed' &&
            !clipped(element)
          )
        })
        return {
          page: document.documentElement.scrollWidth - limit,
          elements: wide.slice(0, 5).map((element) => `${element.tagName}.${element.className}`),
        }
      })
      expect(overflow, name).toEqual({ page: 0, elements: [] })
    }
  }
  await page.setViewportSize({ width: 1360, height: 900 })
}

describeInBrowser.each(LANGS)('in %s', (lang: Lang) => {
  const ws = WORKSPACE[lang]
  const segmentName = lang === 'en' ? 'Young families from the suburbs' : 'Молодые семьи из пригородов'
  const mapName = lang === 'en' ? 'Suburban family purchase' : 'Покупка для семьи из пригорода'

  it('a marketer creates a segment with figures typed in the language, then a map for it from the template, renames it and deletes it', async () => {
    const { context, page, errors } = await signIn(
      browser,
      app.baseUrl,
      'marketer',
      lang,
      `/w/${ws}/journeys`,
    )
    try {
      const me = await apiGet(page, '/api/me')
      const currency: string = me.workspaces.find((w: { slug: string }) => w.slug === ws).currency
      await shoot(page, `journeys-${lang}`)

      await page.getByRole('link', { name: t(lang, 'segment.listTitle') }).click()
      await page.waitForURL(`**/w/${ws}/segments`)
      await page.getByRole('link', { name: t(lang, 'segment.new') }).click()
      await page.waitForURL(`**/w/${ws}/segments/new`)

      await page.getByLabel(t(lang, 'segment.name')).fill(segmentName)
      await page.getByRole('button', { name: new RegExp(t(lang, 'segment.addPortraitField')) }).click()
      await page
        .getByLabel(t(lang, 'segment.portraitKey'), { exact: true })
        .fill(lang === 'en' ? 'Age' : 'Возраст')
      await page.getByLabel(t(lang, 'segment.portraitValue'), { exact: true }).fill('30–40')
      // Thousands with a space, money with the language's decimal mark, a week's deals as "2,5".
      await page.getByLabel(t(lang, 'segment.yearlyDeals'), { exact: true }).fill('2 400')
      await page
        .getByLabel(t(lang, 'segment.valuePerConversion'), { exact: true })
        .fill(lang === 'en' ? '1,200.50' : '1 200,50')
      const perWeek = page.getByLabel(t(lang, 'segment.dealsPerWeek'), { exact: true })
      await perWeek.fill('2,5')
      await perWeek.press('Tab')
      // Shown back in the language's format: "2.5" in English, "2,5" in Russian.
      expect(await perWeek.inputValue()).toBe(formatNumber(2.5, lang))
      await shoot(page, `segment-new-${lang}`)
      await page.getByRole('button', { name: t(lang, 'segment.create') }).click()
      await toast(page, t(lang, 'segment.created'))
      await page.waitForURL(`**/w/${ws}/segments`)

      const segments = (await apiGet(page, `/api/workspaces/${ws}/segments?limit=100`)).items
      const segment = segments.find((s: { name: string }) => s.name === segmentName)
      expect(segment).toMatchObject({
        portrait: { [lang === 'en' ? 'Age' : 'Возраст']: '30–40' },
        yearlyDeals: 2400,
        valuePerConversion: 1200.5,
        dealsPerWeek: 2.5,
      })
      const card = page
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { name: segmentName }) })
      await card.getByText(formatMoney(1200.5, currency, lang)).waitFor()
      await shoot(page, `segments-${lang}`)

      // Edit: the form opens with the figures in the language's format.
      await card.getByRole('link', { name: t(lang, 'segment.editNamed', { name: segmentName }) }).click()
      await page.waitForURL(/\/segments\/\d+$/)
      expect(await page.getByLabel(t(lang, 'segment.dealsPerWeek'), { exact: true }).inputValue()).toBe(
        formatNumber(2.5, lang),
      )
      await page.getByLabel(t(lang, 'segment.dealsPerWeek'), { exact: true }).fill('3')
      await shoot(page, `segment-edit-${lang}`)
      await page.getByRole('button', { name: t(lang, 'common.save') }).click()
      await toast(page, t(lang, 'common.saved'))
      await page.waitForURL(`**/w/${ws}/segments`)
      expect((await apiGet(page, `/api/workspaces/${ws}/segments/${segment.id}`)).dealsPerWeek).toBe(3)

      // A map for the segment from the car-sales template.
      await card.getByRole('link', { name: t(lang, 'segment.newMapFor', { name: segmentName }) }).click()
      await page.waitForURL(/\/journeys\/new/)
      expect(await page.getByLabel(t(lang, 'journey.segment')).inputValue()).toBe(String(segment.id))
      expect(
        await page.getByRole('radio', { name: new RegExp(t(lang, 'journey.startTemplate')) }).isChecked(),
      ).toBe(true)
      await page.getByLabel(t(lang, 'journey.name')).fill(mapName)
      await shoot(page, `journey-new-${lang}`)
      await page.getByRole('button', { name: t(lang, 'journey.create') }).click()
      await page.waitForURL(/\/journeys\/\d+$/, { timeout: 30_000 })
      await toast(page, t(lang, 'journey.created'))
      const journeyId = Number(new URL(page.url()).pathname.split('/').pop())
      const map = await apiGet(page, `/api/workspaces/${ws}/journeys/${journeyId}`)
      expect(map.segmentId).toBe(segment.id)
      expect(map.stages.map((stage: { name: string }) => stage.name)).toEqual(
        CAR_SALES_STAGES.map((key) => t(lang, `journey.template.${key}`)),
      )
      await seen(page, t(lang, 'journey.template.handOver'))

      // Rename, then delete: the template's stages carry no barriers, so the map may go.
      const renamed = `${mapName} 2`
      await page.getByRole('button', { name: t(lang, 'journey.rename') }).click()
      const dialog = page.getByRole('dialog')
      await dialog.getByLabel(t(lang, 'journey.name')).fill(renamed)
      await shoot(page, `journey-rename-${lang}`)
      await dialog.getByRole('button', { name: t(lang, 'common.save') }).click()
      await toast(page, t(lang, 'journey.renamed'))
      await page.getByRole('heading', { level: 1, name: renamed }).waitFor()
      expect((await apiGet(page, `/api/workspaces/${ws}/journeys/${journeyId}`)).name).toBe(renamed)

      await page.getByRole('button', { name: t(lang, 'journey.deleteMap') }).click()
      await page
        .getByRole('dialog')
        .getByRole('button', { name: t(lang, 'journey.deleteMap') })
        .click()
      await page.waitForURL(`**/w/${ws}/journeys`, { timeout: 30_000 })
      await toast(page, t(lang, 'journey.deleted'))
      const response = await page.request.get(`/api/workspaces/${ws}/journeys/${journeyId}`)
      expect(response.status()).toBe(404)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('a leader sees the segments and maps but no button to change them', async () => {
    const { context, page, errors } = await signIn(browser, app.baseUrl, 'leader', lang, `/w/${ws}/segments`)
    try {
      await page.getByRole('heading', { level: 1, name: t(lang, 'segment.listTitle') }).waitFor()
      const [demo] = (await apiGet(page, `/api/workspaces/${ws}/segments`)).items
      await page.getByRole('heading', { name: demo.name }).waitFor()
      expect(await page.getByRole('link', { name: t(lang, 'segment.new') }).count()).toBe(0)
      expect(
        await page.getByRole('link', { name: t(lang, 'segment.editNamed', { name: demo.name }) }).count(),
      ).toBe(0)
      expect(
        await page.getByRole('button', { name: t(lang, 'segment.deleteNamed', { name: demo.name }) }).count(),
      ).toBe(0)
      await page.goto(`/w/${ws}/journeys`)
      await page.getByRole('heading', { level: 1, name: t(lang, 'journey.listTitle') }).waitFor()
      expect(await page.getByRole('link', { name: t(lang, 'journey.newMap') }).count()).toBe(0)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('an analyst pauses and resumes a running test, and amends its plan with a reason the page then shows', async () => {
    const { context, page, errors } = await signIn(browser, app.baseUrl, 'analyst', lang, `/w/${ws}/tests`)
    try {
      const running = (await apiGet(page, `/api/workspaces/${ws}/tests?status=running`)).items[0]
      expect(running).toBeDefined()
      await page.goto(`/w/${ws}/tests/${running.id}`)
      await page.getByRole('heading', { level: 1, name: running.name }).waitFor()
      await shoot(page, `test-running-${lang}`)

      await page.getByRole('button', { name: t(lang, 'testActions.pause') }).click()
      await shoot(page, `test-pause-dialog-${lang}`)
      await page
        .getByRole('dialog')
        .getByRole('button', { name: t(lang, 'testActions.pauseConfirm') })
        .click()
      await toast(page, t(lang, 'testActions.paused'))
      await page.getByText(t(lang, 'tests.status.paused'), { exact: true }).first().waitFor()
      expect((await apiGet(page, `/api/workspaces/${ws}/tests/${running.id}`)).status).toBe('paused')

      await page.getByRole('button', { name: t(lang, 'testActions.resume') }).click()
      await toast(page, t(lang, 'testActions.resumed'))
      expect((await apiGet(page, `/api/workspaces/${ws}/tests/${running.id}`)).status).toBe('running')

      // Amend: a longer target and α typed with a decimal comma, with the reason.
      const target = running.frozenPlan.targetDeals + 40
      const reason =
        lang === 'en'
          ? 'Deals come slower than planned; the target is raised and α made stricter.'
          : 'Сделки идут медленнее плана: цель увеличена, α строже.'
      await page.getByRole('button', { name: t(lang, 'testActions.amend') }).click()
      const dialog = page.getByRole('dialog')
      await dialog.getByLabel(t(lang, 'plan.target'), { exact: true }).fill(String(target))
      const alpha = dialog.getByLabel(t(lang, 'testActions.alpha'), { exact: true })
      await alpha.fill('2,5')
      await alpha.press('Tab')
      expect(await alpha.inputValue()).toBe(formatNumber(2.5, lang))
      // Without a reason the amendment is not sent.
      await dialog.getByRole('button', { name: t(lang, 'testActions.amendConfirm') }).click()
      await dialog.getByText(t(lang, 'testActions.reasonRequired')).waitFor()
      await dialog.getByLabel(t(lang, 'testActions.reason')).fill(reason)
      await shoot(page, `test-amend-dialog-${lang}`)
      await dialog.getByRole('button', { name: t(lang, 'testActions.amendConfirm') }).click()
      await toast(page, t(lang, 'testActions.amended'))

      const amended = await apiGet(page, `/api/workspaces/${ws}/tests/${running.id}`)
      expect(amended.frozenPlan).toMatchObject({ alpha: 0.025, targetDeals: target })
      const section = page.getByRole('region', { name: t(lang, 'testActions.amendmentsTitle') })
      await section.getByText(reason).waitFor()
      await section.getByText(formatPercent(0.025, lang, { digits: 1 })).waitFor()
      await section.getByText(formatNumber(target, lang)).waitFor()
      await shoot(page, `test-amended-${lang}`)

      await page.getByRole('button', { name: t(lang, 'testActions.complete') }).click()
      await shoot(page, `test-complete-dialog-${lang}`)
      await page
        .getByRole('dialog')
        .getByRole('button', { name: t(lang, 'common.cancel') })
        .click()
      expect((await apiGet(page, `/api/workspaces/${ws}/tests/${running.id}`)).status).toBe('running')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
