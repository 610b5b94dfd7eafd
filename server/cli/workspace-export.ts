import { writeFileSync } from 'node:fs'
import { openConfiguredDatabase } from './database.ts'
import { exportWorkspace } from '../services/backup.ts'

// npm run workspace:export -- <slug> [file]   (to standard output without a file)
const [slug, file] = process.argv.slice(2)
if (!slug) {
  console.error('Usage: npm run workspace:export -- <slug> [file.json]')
  process.exit(2)
}
const database = await openConfiguredDatabase()
try {
  const data = JSON.stringify(await exportWorkspace(database.db, slug))
  if (file) {
    writeFileSync(file, data)
    console.error(`Wrote workspace "${slug}" to ${file}`)
  } else process.stdout.write(data + '\n')
} catch (err) {
  console.error((err as Error).message)
  process.exitCode = 1
} finally {
  await database.close()
}
