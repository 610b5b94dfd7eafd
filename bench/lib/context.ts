import type { BenchDatabases } from './database.ts'
import type { Report } from './report.ts'

export interface BenchContext {
  kind: 'server' | 'embedded'
  /** How the rows name the database: 'server' or 'pglite'. */
  target: 'server' | 'pglite'
  dbs: BenchDatabases
  report: Report
  /** Runs the 10M-deal figures. */
  full: boolean
  /** Rows of the one CSV upload. */
  csvRows: number
  /** Seconds per assignment round. */
  roundSeconds: number
  buildWeb: boolean
  log: (message: string) => void
}
