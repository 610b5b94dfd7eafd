import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import postgres from 'postgres'
import { inject } from 'vitest'
import { openDatabase, type Database } from '../../db/connection.ts'

/** A fresh, migrated database of the kind under test, for one test file; close it in afterAll. */
export async function openTestDatabase(): Promise<Database> {
  const target = inject('database')
  if (target.kind === 'embedded') {
    return openDatabase({ kind: 'embedded', loadDataDir: new Blob([readFileSync(target.dumpPath)]) })
  }
  const name = `${target.template}_${randomBytes(4).toString('hex')}`
  const admin = postgres(target.adminUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database ${name} template ${target.template}`)
  } finally {
    await admin.end()
  }
  const url = new URL(target.adminUrl)
  url.pathname = `/${name}`
  const database = openDatabase({ kind: 'server', url: url.toString(), poolSize: 4 })
  return {
    ...database,
    close: async () => {
      await database.close()
      const dropper = postgres(target.adminUrl, { max: 1, onnotice: () => {} })
      await dropper.unsafe(`drop database if exists ${name} with (force)`).finally(() => dropper.end())
    },
  }
}
