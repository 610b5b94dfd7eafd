import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import * as m0001 from './migrations/0001_create_pipeline.ts'
import * as m0002 from './migrations/0002_experiment_engine.ts'
import * as m0003 from './migrations/0003_accounts_and_throttling.ts'
import * as m0004 from './migrations/0004_test_lifecycle.ts'
import * as m0005 from './migrations/0005_close_out.ts'

// Migrations are listed here rather than read from the folder at run time, so the same list
// runs under tsx, vitest and any bundler. Files are frozen once landed; add, never edit.
const migrations: Record<string, Migration> = {
  '0001_create_pipeline': m0001,
  '0002_experiment_engine': m0002,
  '0003_accounts_and_throttling': m0003,
  '0004_test_lifecycle': m0004,
  '0005_close_out': m0005,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

/** Applies every pending migration; throws with the failing migration's name if one fails. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema version
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
