import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { WEB_BUILD } from '../../server/web.ts'
import type { BenchContext } from '../lib/context.ts'
import { median, now } from '../lib/measure.ts'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const RENDER_ROUNDS = 5

/** Figure 6, first half: the app shell's initial JavaScript (what index.html loads at once), gzipped. */
export async function webBundleFigure(ctx: BenchContext) {
  let buildNote = ''
  if (ctx.buildWeb) {
    const t = now()
    const built = spawnSync('npm', ['run', 'build:web', '--silent'], {
      cwd: join(WEB_BUILD, '../..'),
      encoding: 'utf8',
    })
    if (built.status === 0) ctx.log(`  built the web app in ${((now() - t) / 1000).toFixed(0)} s`)
    else {
      // Measure the build already there rather than nothing, and say so.
      const error = /Error: .*/.exec(built.stderr + built.stdout)?.[0] ?? `exit ${built.status}`
      ctx.log(`  npm run build:web failed (${error}); measuring the existing web/build`)
      buildNote = `; npm run build:web FAILED (${error.slice(0, 160)}), so this is the existing web/build`
    }
  }
  const index = join(WEB_BUILD, 'index.html')
  if (!existsSync(index)) throw new Error('web/build/index.html is missing: run npm run build:web')
  const html = readFileSync(index, 'utf8')
  const files = new Set<string>()
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]*>/g))
    files.add(/href="([^"]+)"/.exec(m[0])![1]!)
  for (const m of html.matchAll(/import\("([^"]+\.js)"\)/g)) files.add(m[1]!)
  for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) files.add(m[1]!)
  let raw = 0
  let gzipped = 0
  for (const f of files) {
    const body = readFileSync(join(WEB_BUILD, f.replace(/^\//, '')))
    raw += body.length
    gzipped += gzipSync(body, { level: 9 }).length
  }
  ctx.report.add({
    figure: 'web: app shell initial JS, gzipped',
    target: 'web',
    unit: 'KB',
    better: 'lower',
    product: gzipped / 1024,
    note: `${files.size} files referenced by web/build/index.html, ${(raw / 1024).toFixed(0)} KB before gzip -9${buildNote}`,
  })
}

/**
 * Figure 6, second half: opening the test page of a big test in headless Chromium, until the
 * results request has completed and the page shows the progress. Each round a fresh browser
 * context (cold cache, signed in by its session cookie).
 */
export async function webRenderFigure(
  ctx: BenchContext,
  page: { url: string; slug: string; cookie: string; testId: number; deals: number },
) {
  const figure = `web: test page of a ${page.deals.toLocaleString()}-deal test`
  if (!existsSync(join(WEB_BUILD, 'index.html'))) {
    ctx.report.add({
      figure,
      target: ctx.target,
      unit: 'ms',
      better: 'lower',
      product: null,
      note: 'web/build missing (run with the web figure, or npm run build:web)',
    })
    return
  }
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS })
  const times: number[] = []
  const results: number[] = []
  let failure: string | null = null
  try {
    for (let r = 0; r < RENDER_ROUNDS && !failure; r++) {
      const context = await browser.newContext()
      await context.addCookies([{ name: 'cxw_session', value: page.cookie, url: page.url }])
      const tab = await context.newPage()
      try {
        const started = now()
        const resultsDone = tab
          .waitForResponse((res) => /\/api\/workspaces\/[^/]+\/tests\/\d+\/results/.test(res.url()), {
            timeout: 30_000,
          })
          .then(async (res) => {
            await res.finished()
            return now() - started
          })
        await tab.goto(`${page.url}/w/${page.slug}/tests/${page.testId}`, { timeout: 30_000 })
        await tab.locator('#progress-heading').waitFor({ state: 'visible', timeout: 30_000 })
        times.push(now() - started)
        results.push(await resultsDone)
      } catch (err) {
        failure = (err as Error).message.split('\n')[0]!
      } finally {
        await context.close()
      }
    }
  } finally {
    await browser.close()
  }
  ctx.report.add({
    figure,
    target: ctx.target,
    unit: 'ms',
    better: 'lower',
    product: failure ? null : median(times),
    rounds: times,
    note: failure
      ? `the page did not show the progress: ${failure}`
      : `navigation to the progress shown; the results request completed at ${median(results).toFixed(0)} ms (median of ${RENDER_ROUNDS} cold contexts)`,
  })
}
