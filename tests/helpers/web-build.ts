import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { webBuildIsStale } from '../../server/web.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const BUILD_LOCK = join(ROOT, 'node_modules/.web-build.lock')

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
      if (Date.now() > deadline || Date.now() - statSync(BUILD_LOCK).mtimeMs > 170_000) {
        rmSync(BUILD_LOCK, { recursive: true, force: true })
        continue
      }
      await new Promise((done) => setTimeout(done, 1000))
    }
  }
  try {
    let output = ''
    for (let attempt = 0; attempt < 2 && (await webBuildIsStale()); attempt++) {
      const built = spawnSync('npm', ['run', 'build:web', '--silent'], {
        cwd: ROOT,
        stdio: 'pipe',
        encoding: 'utf8',
      })
      if (built.status === 0) return
      output = `${built.stdout}\n${built.stderr}`
    }
    if (await webBuildIsStale()) throw new Error(`the web app failed to build:\n${output.slice(-4000)}`)
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true })
  }
}
