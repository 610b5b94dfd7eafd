import { mkdirSync } from 'node:fs'
import { openDatabase } from '../../db/connection.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { readConfig } from '../config.ts'

/** The database the configuration names (DATABASE_URL or DATA_DIR), migrated, for command-line tools. */
export async function openConfiguredDatabase() {
  const config = readConfig()
  if (config.database.kind === 'embedded') mkdirSync(config.database.dataDir, { recursive: true })
  const database = openDatabase(config.database)
  await migrateToLatest(database.db)
  return database
}
