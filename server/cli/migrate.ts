import { openConfiguredDatabase } from './database.ts'

// npm run db:migrate: applies pending migrations to the configured database and says so.
const database = await openConfiguredDatabase()
await database.close()
console.log('The database is migrated to the latest version')
