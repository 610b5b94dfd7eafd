import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import postgres from 'postgres'
import { openDatabase } from '../../db/connection.ts'
import { migrateToLatest } from '../../db/migrate.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    database: { kind: 'server'; adminUrl: string; template: string } | { kind: 'embedded'; dumpPath: string }
    /** Where suites record the figures printed at the end of the run (tests/helpers/figures.ts). */
    figuresFile: string
  }
}

/**
 * Migrates one database with the real migrations, once per run: on the server a template that
 * each test file clones (CREATE DATABASE … TEMPLATE, milliseconds); on PGlite a data-dir dump
 * that each test file loads.
 */
export default async function setup(project: TestProject) {
  const figuresDir = mkdtempSync(join(tmpdir(), 'cxw-figures-'))
  const figuresFile = join(figuresDir, 'figures.txt')
  writeFileSync(figuresFile, '')
  project.provide('figuresFile', figuresFile)
  const printFigures = () => {
    const lines = readFileSync(figuresFile, 'utf8').trim()
    if (lines)
      console.log(
        `\nFigures of this run (${process.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded PGlite'}):\n${lines
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n')}\n`,
      )
    rmSync(figuresDir, { recursive: true, force: true })
  }
  const adminUrl = process.env.DATABASE_URL
  if (adminUrl) {
    const template = `cxw_tpl_${randomBytes(4).toString('hex')}`
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database ${template}`)
    const url = new URL(adminUrl)
    url.pathname = `/${template}`
    const database = openDatabase({ kind: 'server', url: url.toString(), poolSize: 1 })
    await migrateToLatest(database.db)
    await database.close()
    project.provide('database', { kind: 'server', adminUrl, template })
    return async () => {
      printFigures()
      const clones = await admin<
        { datname: string }[]
      >`select datname from pg_database where datname like ${template + '%'}`
      for (const { datname } of clones) await admin.unsafe(`drop database if exists ${datname} with (force)`)
      await admin.end()
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'cxw-pglite-'))
  const database = openDatabase({ kind: 'embedded' })
  await migrateToLatest(database.db)
  const dumpPath = join(dir, 'migrated.tar.gz')
  writeFileSync(dumpPath, Buffer.from(await (await database.dumpDataDir!()).arrayBuffer()))
  await database.close()
  project.provide('database', { kind: 'embedded', dumpPath })
  return () => {
    printFigures()
    rmSync(dir, { recursive: true, force: true })
  }
}
