import { readFileSync } from 'node:fs'
import { openConfiguredDatabase } from './database.ts'
import { importWorkspace, type WorkspaceExport } from '../services/backup.ts'

// npm run workspace:import -- <file.json>   (from standard input with "-")
const [file] = process.argv.slice(2)
if (!file) {
  console.error('Usage: npm run workspace:import -- <file.json | ->')
  process.exit(2)
}
const database = await openConfiguredDatabase()
try {
  const data = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8')) as WorkspaceExport
  const { slug, rows } = await importWorkspace(database.db, data)
  console.error(`Imported workspace "${slug}": ${rows} rows`)
} catch (err) {
  console.error((err as Error).message)
  process.exitCode = 1
} finally {
  await database.close()
}
