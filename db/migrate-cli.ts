import { mkdirSync } from 'node:fs'
import { readConfig } from '../server/config.ts'
import { openDatabase } from './connection.ts'
import { migrateToLatest } from './migrate.ts'

const config = readConfig()
if (config.database.kind === 'embedded') mkdirSync(config.database.dataDir, { recursive: true })
const database = openDatabase(config.database)
try {
  const applied = await migrateToLatest(database.db)
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date')
} finally {
  await database.close()
}
