/// <reference lib="dom" />
// page.evaluate and waitForFunction callbacks run in the browser, so they are typed with the DOM.
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
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
import { formatDate } from '../../web/src/lib/format.ts'

// The journey map's editing in place: stages reordered and removed, touchpoints, and a barrier's
// chain down to the decision that mitigated it; through the real app in both languages.

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

async function openMap(page: Page, lang: Lang) {
  await page.getByText(t(lang, 'journey.open')).first().click()
  await page.waitForURL(/\/journeys\/\d+$/)
  await seen(page, t(lang, 'journey.rows.barriers'))
  return Number(new URL(page.url()).pathname.split('/').pop())
}

/** Stage names in map order, as the server has them. */
async function stageNames(page: Page, ws: string, journey: number): Promise<string[]> {
  return (await apiGet(page, `/api/workspaces/${ws}/journeys/${journey}`)).stages.map(
    (stage: any) => stage.name,
  )
}

/** The demo's barrier a roll-out reduced but did not remove (mitigated). */
const MITIGATED: Record<Lang, string> = {
  en: 'Long paperwork at signing',
  ru: 'Долгое оформление документов',
}

describeInBrowser.each(LANGS)('in %s', (lang) => {
  const ws = WORKSPACE[lang]

  it('a marketer moves a stage with the keyboard, removes an empty one, is told a used one stays, and adds and edits a touchpoint', async () => {
    const { context, page, errors } = await signIn(
      browser,
      app.baseUrl,
      'marketer',
      lang,
      `/w/${ws}/journeys`,
    )
    try {
      const journey = await openMap(page, lang)
      const before = await stageNames(page, ws, journey)

      // A new, empty stage at the end, then one place left with the keyboard.
      const name = lang === 'en' ? 'Trade-in valuation' : 'Оценка трейд-ина'
      await page.getByRole('button', { name: new RegExp(t(lang, 'journey.addStage')) }).click()
      await page.getByPlaceholder(t(lang, 'journey.newStageName')).fill(name)
      await page.getByRole('button', { name: t(lang, 'common.add'), exact: true }).click()
      await toast(page, t(lang, 'journey.stageAdded'))
      const left = page.getByRole('button', { name: t(lang, 'journey.moveLeft', { stage: name }) })
      await left.focus()
      await page.keyboard.press('Enter')
      await toast(page, t(lang, 'journey.stageMoved', { stage: name, position: before.length }))
      expect(await stageNames(page, ws, journey)).toEqual([...before.slice(0, -1), name, before.at(-1)])
      // Focus stays on the moved stage's arrow, so it can be pressed again.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
        t(lang, 'journey.moveLeft', { stage: name }),
      )
      const heads = await page.locator('.stage-head').allTextContents()
      expect(heads[before.length - 1]).toContain(name)

      // A touchpoint on it, then changed in place.
      const column = before.length // the new stage's touchpoints cell (0-based among the stages)
      await page
        .getByRole('button', { name: new RegExp(t(lang, 'journey.addTouchpoint')) })
        .nth(column - 1)
        .click()
      const text =
        lang === 'en' ? 'The manager sends the valuation by SMS' : 'Менеджер присылает оценку в SMS'
      await page.getByPlaceholder(t(lang, 'journey.touchpointDescription')).fill(text)
      await page.getByRole('button', { name: t(lang, 'common.save'), exact: true }).click()
      await seen(page, text)
      const edit = page.getByRole('button', {
        name: t(lang, 'journey.editTouchpoint', { channel: t(lang, 'journey.channels.email'), stage: name }),
      })
      await edit.click()
      await page.getByLabel(t(lang, 'journey.channel'), { exact: true }).selectOption('sms')
      await page.getByRole('button', { name: t(lang, 'common.save'), exact: true }).click()
      await page
        .getByRole('button', {
          name: t(lang, 'journey.editTouchpoint', { channel: t(lang, 'journey.channels.sms'), stage: name }),
        })
        .waitFor()
      const stage = (await apiGet(page, `/api/workspaces/${ws}/journeys/${journey}`)).stages.find(
        (item: any) => item.name === name,
      )
      expect(stage.touchpoints).toMatchObject([{ channel: 'sms', description: text }])
      await screenshot(page, `marketer-${lang}-map-edit`)

      // A stage with barriers: the server refuses, the map says why and keeps it.
      const used = (await apiGet(page, `/api/workspaces/${ws}/journeys/${journey}`)).stages.find(
        (item: any) => item.barriers.length > 0,
      ).name
      await page.getByRole('button', { name: t(lang, 'journey.removeStage', { stage: used }) }).click()
      await page
        .getByRole('dialog')
        .getByRole('button', { name: t(lang, 'journey.removeStageConfirm') })
        .click()
      await toast(page, t(lang, 'journey.stageInUse', { stage: used }))
      expect(await stageNames(page, ws, journey)).toContain(used)

      // The new stage has only a touchpoint: it goes, and the map is as it was.
      await page.getByRole('button', { name: t(lang, 'journey.removeStage', { stage: name }) }).click()
      await page
        .getByRole('dialog')
        .getByRole('button', { name: t(lang, 'journey.removeStageConfirm') })
        .click()
      await toast(page, t(lang, 'journey.stageRemoved', { stage: name }))
      expect(await stageNames(page, ws, journey)).toEqual(before)
      expect(await page.locator('.stage-head', { hasText: name }).count()).toBe(0)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('a leader opens the mitigated barrier and sees the rolled-out test that mitigated it', async () => {
    const { context, page, errors } = await signIn(browser, app.baseUrl, 'leader', lang, `/w/${ws}/journeys`)
    try {
      await openMap(page, lang)
      const barrier = (await apiGet(page, `/api/workspaces/${ws}/barriers?status=mitigated`)).items.find(
        (item: any) => item.title === MITIGATED[lang],
      )
      expect(barrier).toBeDefined()
      // Of its tests, the one rolled out (another was rejected).
      const decided = await Promise.all(
        barrier.links.tests.map(async (id: number) => ({
          test: await apiGet(page, `/api/workspaces/${ws}/tests/${id}`),
          decision: (await apiGet(page, `/api/workspaces/${ws}/tests/${id}/decisions`)).items.at(-1),
        })),
      )
      const { test, decision } = decided.find((item) => item.decision?.verdict === 'roll_out')!
      const testId = test.id
      expect(decision).toMatchObject({ verdict: 'roll_out', barrierEffect: 'mitigated' })

      // The card on the map says it is mitigated, by what, and is not struck through as addressed.
      const card = page.getByRole('button', {
        name: t(lang, 'journey.openBarrier', { title: MITIGATED[lang] }),
      })
      const mitigatedBy = t(lang, 'journey.mitigatedBy', {
        test: test.name,
        date: formatDate(decision.decidedAt, lang),
      })
      await card.getByTestId('barrier-rollout').waitFor()
      expect((await card.getByTestId('barrier-rollout').textContent())?.trim()).toBe(mitigatedBy)
      expect(await card.locator('.badge').textContent()).toBe(t(lang, 'journey.status.mitigated'))
      expect(await card.locator('.title').evaluate((node) => getComputedStyle(node).textDecorationLine)).toBe(
        'none',
      )
      // The map scrolls inside its frame: the picture is of the part that shows the card.
      await card.scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(SCREENSHOTS, `leader-${lang}-map-mitigated.png`) })

      // Its detail: evidence, share affected, and the chain to the test page.
      await card.click()
      const dialog = page.getByRole('dialog')
      await dialog.getByText(barrier.evidenceQuotes[0]).waitFor()
      expect(await dialog.textContent()).toContain(lang === 'en' ? '50%' : '50\u00a0%')
      await dialog.getByRole('link', { name: test.name }).waitFor()
      await dialog.getByText(decision.rationale).waitFor()
      expect(await dialog.textContent()).toContain(mitigatedBy)
      // A leader reads; only editors change the status.
      expect(await dialog.locator('#barrier-status').count()).toBe(0)
      await screenshot(page, `leader-${lang}-barrier`)
      await dialog.getByRole('link', { name: test.name }).click()
      await page.waitForURL(new RegExp(`/tests/${testId}$`))
      await seen(page, t(lang, 'tests.status.decided'))
      // The test's page opens with the decision, which says what the roll-out did to the barrier.
      await seen(page, t(lang, 'decision.barrierEffectShown.mitigated'))
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
