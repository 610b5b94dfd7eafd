import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { expect } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => done(port))
    })
  })
}

export interface ServerProcess {
  url: string
  child: ChildProcess
  output: () => string
  kill(signal?: NodeJS.Signals): Promise<void>
}

/**
 * Starts the real server (`server/main.ts`) as its own Node process — one process, no wrapper,
 * so a SIGKILL hits the server itself — and waits for /api/health.
 */
export async function startServer(env: Record<string, string>, timeoutMs = 220_000): Promise<ServerProcess> {
  const port = await freePort()
  let log = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, SERVE_WEB: '0', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (log += d))
  child.stderr!.on('data', (d) => (log += d))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log}`)
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server did not start in time:\n${log}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    url,
    child,
    output: () => log,
    kill: (signal = 'SIGTERM') =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done()
        child.once('exit', () => done())
        child.kill(signal)
      }),
  }
}

/** Signs in over HTTP and returns a fetch bound to the session cookie. */
export async function signedIn(url: string, email: string, password: string) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`)
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!
  return (path: string, init: { method?: string; body?: string; type?: string; signal?: AbortSignal } = {}) =>
    fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      ...(init.signal ? { signal: init.signal } : {}),
      headers: {
        cookie,
        ...(init.body !== undefined ? { 'content-type': init.type ?? 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: init.body } : {}),
    })
}

/** Waits for the server's health check to answer 200 again, within `limitMs` of now. */
export async function healthyAgain(url: string, limitMs = 20_000) {
  const since = Date.now()
  while (
    (await fetch(`${url}/api/health`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    expect(Date.now() - since, `recovered within ${limitMs / 1000} s`).toBeLessThan(limitMs)
    await new Promise((r) => setTimeout(r, 200))
  }
}
