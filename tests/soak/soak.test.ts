import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startServer, type ServerProcess } from '../helpers/server-process.ts'
import { formatSoak, soak } from './soak.ts'
import { recordFigure } from '../helpers/figures.ts'

// The short soak CI runs (npm run soak -- 60 for the documented minute): mixed traffic at a fixed
// rate against the real server process, with no errors and the server's memory flat.
const target = inject('database')
let server: ServerProcess | undefined
let cleanup: () => Promise<void>

beforeAll(async () => {
  let env: Record<string, string>
  if (target.kind === 'server') {
    const name = `${target.template}_soak_${randomBytes(3).toString('hex')}`
    const admin = postgres(target.adminUrl, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database ${name} template ${target.template}`)
    const url = new URL(target.adminUrl)
    url.pathname = `/${name}`
    env = { DATABASE_URL: url.toString() }
    cleanup = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'cxw-soak-'))
    env = { DATA_DIR: dir }
    cleanup = async () => rmSync(dir, { recursive: true, force: true })
  }
  server = await startServer({ ...env, DEMO: '1' })
}, 240_000)
afterAll(async () => {
  await server?.kill()
  await cleanup?.()
})

describe('soak', () => {
  it('serves 12 s of mixed traffic at 40 requests/s with no errors and flat memory', async () => {
    const report = await soak(server!.url, server!.child.pid!, { seconds: 12, rate: 40 })
    recordFigure(formatSoak(report).split('\n')[0]!)
    console.log(formatSoak(report))
    expect(report.errors).toEqual([])
    expect(report.requests).toBeGreaterThanOrEqual(12 * 40 - 1)
    expect(report.rssEndMb - report.rssStartMb).toBeLessThan(64)
  })
})
