import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchContext } from '../lib/context.ts'
import { now, sleep } from '../lib/measure.ts'
import { freePort } from '../lib/server.ts'

const ROOT = new URL('../..', import.meta.url).pathname
const REST_MS = 5_000

/** The process and its descendants, from /proc: pid → [ppid, rss KB, cmdline]. */
function processTree(root: number) {
  const all = new Map<number, { ppid: number; rssKb: number; cmd: string }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))
      all.set(Number(entry), {
        ppid,
        rssKb: rss ? Number(rss[1]) : 0,
        cmd: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '),
      })
    } catch {
      /* gone meanwhile */
    }
  }
  const tree: { pid: number; rssKb: number; cmd: string }[] = []
  const visit = (pid: number) => {
    const p = all.get(pid)
    if (p) tree.push({ pid, ...p })
    for (const [child, c] of all) if (c.ppid === pid) visit(child)
  }
  visit(root)
  return tree
}

/** `npm start` until /api/health answers 200, then the memory after REST_MS at rest. */
async function startOnce(env: Record<string, string>) {
  const port = await freePort()
  let output = ''
  const started = now()
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
  })
  child.stdout!.on('data', (d) => {
    output += d
  })
  child.stderr!.on('data', (d) => {
    output += d
  })
  let exited = false
  child.once('exit', () => {
    exited = true
  })
  try {
    let ms: number | null = null
    while (now() - started < 120_000 && !exited) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`)
        if (res.status === 200) {
          ms = now() - started
          break
        }
      } catch {
        /* not listening yet */
      }
      await sleep(10)
    }
    if (ms === null)
      throw new Error(
        `no 200 from /api/health${exited ? ' (the process exited)' : ' in 120 s'}:\n${output.slice(-1500)}`,
      )
    await sleep(REST_MS)
    const tree = processTree(child.pid!)
    const server = tree.filter((p) => p.cmd.includes('server/main.ts')).sort((a, b) => b.rssKb - a.rssKb)[0]
    return {
      ms,
      built: output.includes('Building the web app'),
      serverRssMb: (server?.rssKb ?? 0) / 1024,
      treeRssMb: tree.reduce((s, p) => s + p.rssKb, 0) / 1024,
    }
  } finally {
    // Stop the process group we started (npm → tsx → node), and wait for it to go.
    try {
      process.kill(-child.pid!, 'SIGTERM')
    } catch {
      /* already gone */
    }
    for (let i = 0; i < 100 && !exited; i++) await sleep(50)
    if (!exited)
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        /* gone */
      }
  }
}

/**
 * Figure 7: `npm start` to the first 200 from /api/health, on a fresh store (migrations and the
 * demo seed included) and on a restart, on PGlite and on the server; resident memory at rest.
 */
export async function startupFigure(ctx: BenchContext) {
  const dir = mkdtempSync(join(tmpdir(), 'cxw-bench-start-'))
  const serverDb = await ctx.dbs.createEmpty('startup').catch(() => null)
  try {
    const targets: [string, Record<string, string>][] = [
      ['pglite', { DATA_DIR: join(dir, 'data'), DATABASE_URL: '' }],
    ]
    if (serverDb) targets.push(['server', { DATABASE_URL: ctx.dbs.urlOf(serverDb) }])
    for (const [target, env] of targets) {
      const first = await startOnce(env)
      const again = await startOnce(env)
      const third = await startOnce(env)
      const restart = [again, third].sort((a, b) => a.ms - b.ms)[0]!
      const built = first.built || again.built || third.built
      ctx.log(
        `    ${target}: fresh ${first.ms.toFixed(0)} ms, restarts ${again.ms.toFixed(0)} / ${third.ms.toFixed(0)} ms, RSS ${third.serverRssMb.toFixed(0)} MB`,
      )
      ctx.report.add({
        figure: 'start-up, fresh store (migrate + demo seed)',
        target,
        unit: 'ms',
        better: 'lower',
        product: first.ms,
        ...(built ? { note: 'included a build of the web app (its build was older than its sources)' } : {}),
      })
      ctx.report.add({
        figure: 'start-up, restart',
        target,
        unit: 'ms',
        better: 'lower',
        product: restart.ms,
        rounds: [again.ms, third.ms],
      })
      ctx.report.add({
        figure: 'resident memory at rest',
        target,
        unit: 'MB',
        better: 'lower',
        product: third.serverRssMb,
        note: `the server's node process, ${REST_MS / 1000} s after its first 200; npm + tsx + node together ${third.treeRssMb.toFixed(0)} MB`,
      })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    if (serverDb) await ctx.dbs.drop(serverDb)
  }
}
