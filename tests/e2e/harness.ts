/// <reference lib="dom" />
// page.evaluate and waitForFunction callbacks run in the browser, so they are typed with the DOM.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, statSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { serve } from '@hono/node-server'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { createApp } from '../../server/app.ts'
import { seedDemo } from '../../server/demo/seed.ts'
import { serveWeb, webBuildIsStale } from '../../server/web.ts'
import en from '../../web/src/lib/i18n/en.json' with { type: 'json' }
import ru from '../../web/src/lib/i18n/ru.json' with { type: 'json' }
import { openTestDatabase } from '../helpers/database.ts'

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
  const found = key.split('.').reduce<string | Catalog | undefined>((node, part) => (typeof node === 'object' ? node[part] : undefined), catalogs[lang])
  if (typeof found !== 'string') throw new Error(`no message ${key} in ${lang}`)
  return found.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`))
}

const ROOT = resolve(import.meta.dirname, '../..')
const BUILD_LOCK = join(ROOT, 'node_modules/.e2e-web-build.lock')

/**
 * The web app built once: reused when web/build is newer than every source (as `npm start` does).
 * A lock keeps two test runs from building at once (each would wipe the other's output), and a
 * failed build is tried once more, since a concurrent `svelte-kit sync` can disturb it.
 */
export async function ensureWebBuild(): Promise<void> {
  if (!(await webBuildIsStale())) return
  const deadline = Date.now() + 170_000
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK)
      break
    } catch {
      // Another run is building; a lock older than the deadline is a leftover of a killed run.
      if (Date.now() > deadline || Date.now() - statSync(BUILD_LOCK).mtimeMs > 170_000) { rmSync(BUILD_LOCK, { recursive: true, force: true }); continue }
      await new Promise((done) => setTimeout(done, 1000))
    }
  }
  try {
    let output = ''
    for (let attempt = 0; attempt < 2 && (await webBuildIsStale()); attempt++) {
      const built = spawnSync('npm', ['run', 'build:web', '--silent'], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' })
      if (built.status === 0) return
      output = `${built.stdout}\n${built.stderr}`
    }
    if (await webBuildIsStale()) throw new Error(`the web app failed to build:\n${output.slice(-4000)}`)
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true })
  }
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
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/**
 * A fresh browser profile in one interface language, signed in as a demo user through the
 * sign-in form, on `path`. Page errors fail the test that owns the context.
 */
export async function signIn(browser: Browser, baseUrl: string, role: string, lang: Lang, path: string) {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1360, height: 900 }, locale: lang === 'ru' ? 'ru-RU' : 'en-US' })
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
