/// <reference lib="dom" />
// page.evaluate and waitForFunction callbacks run in the browser, so they are typed with the DOM.
import type { AddressInfo } from 'node:net'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { serve } from '@hono/node-server'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { createApp } from '../../server/app.ts'
import { seedDemo } from '../../server/demo/seed.ts'
import { serveWeb } from '../../server/web.ts'
import en from '../../web/src/lib/i18n/en.json' with { type: 'json' }
import ru from '../../web/src/lib/i18n/ru.json' with { type: 'json' }
import { describe, expect } from 'vitest'
import { openTestDatabase } from '../helpers/database.ts'
import { ensureWebBuild } from '../helpers/web-build.ts'

/** Debian's Chromium, or the one CHROMIUM_PATH names. */
export const BROWSER_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const INSTALL_HINT = `install it with "apt-get install chromium", or set CHROMIUM_PATH to a Chromium`

/**
 * Whether the browser suites run here. Without a browser they are skipped with a notice, unless
 * REQUIRE_BROWSER=1 (CI sets it), where a missing browser fails the run.
 */
export const browserMissing = !existsSync(BROWSER_PATH)
if (browserMissing) {
  if (process.env.REQUIRE_BROWSER === '1')
    throw new Error(`The browser tests need Chromium at ${BROWSER_PATH}: ${INSTALL_HINT}.`)
  console.warn(`Browser tests skipped: no Chromium at ${BROWSER_PATH}; ${INSTALL_HINT}.`)
}
/** `describe`, or `describe.skip` when there is no browser to drive. */
export const describeInBrowser = browserMissing ? describe.skip : describe

export type Lang = 'en' | 'ru'
export const LANGS: Lang[] = ['en', 'ru']
/** The demo seeds one workspace per language (DEMO.md). */
export const WORKSPACE: Record<Lang, string> = { en: 'demo', ru: 'demo-ru' }
export const SCREENSHOTS = resolve(import.meta.dirname, '../../.artifacts/screenshots')

type Catalog = { [key: string]: string | Catalog }
const catalogs: Record<Lang, Catalog> = { en, ru }

/**
 * A message as the interface shows it, from the same catalogs; `{name}` placeholders are filled
 * in. Plural messages are not expanded here: tests match those with patterns.
 */
export function t(lang: Lang, key: string, values: Record<string, string | number> = {}): string {
  const found = key
    .split('.')
    .reduce<string | Catalog | undefined>(
      (node, part) => (typeof node === 'object' ? node[part] : undefined),
      catalogs[lang],
    )
  if (typeof found !== 'string') throw new Error(`no message ${key} in ${lang}`)
  return found.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`))
}

/** The real app on a fresh test database with the demo seeded, listening on a free port. */
export async function startApp() {
  await ensureWebBuild()
  const database = await openTestDatabase()
  await seedDemo(database.db)
  const app = createApp({ db: database.db, clock: () => new Date(), sessionTtlHours: 24 }, { serveWeb })
  const server = await new Promise<ReturnType<typeof serve>>((done) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => done(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    db: database.db,
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()))
      await database.close()
    },
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: BROWSER_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * A fresh browser profile in one interface language, signed in as a demo user through the
 * sign-in form, on `path`. Page errors fail the test that owns the context.
 */
export async function signIn(browser: Browser, baseUrl: string, role: string, lang: Lang, path: string) {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1360, height: 900 },
    locale: lang === 'ru' ? 'ru-RU' : 'en-US',
  })
  await context.addInitScript((chosen) => localStorage.setItem('cx.locale', chosen), lang)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(`/sign-in?next=${encodeURIComponent(path)}`)
  await page.getByLabel(t(lang, 'auth.email')).fill(`${role}@demo.local`)
  await page.getByLabel(t(lang, 'auth.password')).fill('demo')
  await page.getByRole('button', { name: t(lang, 'auth.signIn') }).click()
  await page.waitForURL((url) => url.pathname === path)
  return { context, page, errors }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // From the top, so the sticky header sits where it belongs in a full-page picture.
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

/** Waits until `text` (a string or pattern) is visible somewhere on the page, and returns that element. */
export async function seen(page: Page, text: string | RegExp, timeout = 15_000) {
  const locator = page.getByText(text).first()
  await locator.waitFor({ state: 'visible', timeout })
  return locator
}

/** Waits for a toast (status or alert) that reads `text`. */
export async function toast(page: Page, text: string) {
  await page.locator('.toasts').getByText(text).first().waitFor({ state: 'visible', timeout: 15_000 })
}

export async function closeContext(context: BrowserContext) {
  await context.close()
}

/** JSON from the API with the page's session, to compare what the screen shows with the server. */
export async function apiGet<T = any>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path)
  expect(response.status(), path).toBe(200)
  return (await response.json()) as T
}
