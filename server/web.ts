import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from './context.ts'

export const WEB_ROOT = resolve(import.meta.dirname, '../web')
export const WEB_BUILD = join(WEB_ROOT, 'build')

async function newestMtime(dir: string): Promise<number> {
  let newest = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

/** True when web/build is missing or older than any source of the web app. */
export async function webBuildIsStale(): Promise<boolean> {
  const index = join(WEB_BUILD, 'index.html')
  if (!existsSync(index)) return true
  const built = statSync(index).mtimeMs
  const sources = [join(WEB_ROOT, 'src'), join(WEB_ROOT, 'static')].filter((d) => existsSync(d))
  const configs = ['svelte.config.js', 'vite.config.ts']
    .map((f) => join(WEB_ROOT, f))
    .filter((f) => existsSync(f))
  const newest = Math.max(
    ...(await Promise.all(sources.map(newestMtime))),
    ...configs.map((f) => statSync(f).mtimeMs),
  )
  return newest > built
}

/**
 * The content security policy of the app's page: scripts only from this origin plus the page's
 * own inline bootstrap script, allowed by its SHA-256 (computed from the built page, so no
 * 'unsafe-inline' is needed); no framing, no plugins, requests only to this origin.
 */
export function pageSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  )
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** Serves the built single-page app: files as they are, every other path the app's fallback page. */
export function serveWeb(app: OpenAPIHono<AppEnv>): void {
  const index = join(WEB_BUILD, 'index.html')
  let built: { html: string; policy: string; mtime: number } | undefined
  const load = () => {
    const mtime = statSync(index).mtimeMs
    if (built?.mtime !== mtime) {
      const html = readFileSync(index, 'utf8')
      built = { html, policy: pageSecurityPolicy(html), mtime }
    }
    return built
  }
  const page = (c: Context<AppEnv>) => {
    if (!existsSync(index)) return c.text('The web app is not built: run npm run build:web', 503)
    const { html, policy } = load()
    c.header('content-security-policy', policy)
    return c.html(html)
  }
  // The page itself always comes from here, with its policy; other files are served as they are,
  // under the same policy.
  app.get('/', page)
  app.get('/index.html', page)
  app.use('/*', async (c, next) => {
    await next()
    if (
      !c.req.path.startsWith('/api/') &&
      existsSync(index) &&
      !c.res.headers.has('content-security-policy')
    ) {
      c.res.headers.set('content-security-policy', load().policy)
    }
  })
  app.use('/*', serveStatic({ root: WEB_BUILD }))
  app.get('*', (c) => (c.req.path.startsWith('/api/') ? c.notFound() : page(c)))
}
