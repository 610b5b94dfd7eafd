import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import postgres from 'postgres'
import { openDatabase, type Database } from '../../db/connection.ts'
import { migrateToLatest } from '../../db/migrate.ts'

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

/**
 * A bare postgres.js client for ceilings and seeding. `max_pipeline: 1` as the product's
 * (db/connection.ts): the default pipelining decays under sustained load.
 */
export function bareClient(url: string, max = 10) {
  return postgres(url, { max, ...({ max_pipeline: 1 } as object), onnotice: () => {} })
}

/** One figure's own database: the product's handle, a way to run seeding SQL, and a bare client on the server. */
export interface BenchDatabase {
  kind: 'server' | 'embedded'
  database: Database
  url?: string
  /** Bare client (server only) for ceilings. */
  bare?: postgres.Sql
  /** Runs seeding SQL; foreign-key triggers are off for it (session_replication_role = replica). */
  seed(text: string): Promise<void>
  query<T = Record<string, unknown>>(text: string): Promise<T[]>
  close(): Promise<void>
}

/**
 * Databases for the bench. On the server: a migrated template `cxw_bench_<random>_tpl` cloned per
 * figure (CREATE DATABASE … TEMPLATE), all dropped at the end. On PGlite: a migrated data-dir
 * dump loaded into a fresh in-memory instance per figure.
 */
export class BenchDatabases {
  readonly prefix = `cxw_bench_${randomBytes(4).toString('hex')}`
  private admin?: postgres.Sql
  private dump?: Blob
  private created: string[] = []

  constructor(
    readonly kind: 'server' | 'embedded',
    readonly adminUrl = process.env.DATABASE_URL || DEFAULT_ADMIN_URL,
  ) {}

  urlOf(name: string) {
    const url = new URL(this.adminUrl)
    url.pathname = `/${name}`
    return url.toString()
  }

  async createEmpty(suffix: string): Promise<string> {
    this.admin ??= postgres(this.adminUrl, { max: 1, onnotice: () => {} })
    const name = `${this.prefix}_${suffix}`
    await this.admin.unsafe(`create database ${name}`)
    this.created.push(name)
    return name
  }

  private async template(): Promise<string> {
    const name = `${this.prefix}_tpl`
    if (this.created.includes(name)) return name
    await this.createEmpty('tpl')
    const database = openDatabase({ kind: 'server', url: this.urlOf(name), poolSize: 1 })
    await migrateToLatest(database.db)
    await database.close()
    return name
  }

  async open(figure: string, poolSize = 10): Promise<BenchDatabase> {
    if (this.kind === 'server') {
      const tpl = await this.template()
      const name = `${this.prefix}_${figure}`
      await this.admin!.unsafe(`create database ${name} template ${tpl}`)
      this.created.push(name)
      const url = this.urlOf(name)
      const database = openDatabase({ kind: 'server', url, poolSize })
      const seeder = bareClient(url, 1)
      await seeder.unsafe('set session_replication_role = replica')
      const bare = bareClient(url, poolSize)
      return {
        kind: 'server',
        database,
        url,
        bare,
        seed: async (text) => {
          await seeder.unsafe(text)
        },
        query: async <T>(text: string) => (await bare.unsafe(text)) as unknown as T[],
        close: async () => {
          await Promise.all([database.close(), seeder.end(), bare.end()])
          await this.drop(name)
        },
      }
    }
    if (!this.dump) {
      const fresh = openDatabase({ kind: 'embedded' })
      await migrateToLatest(fresh.db)
      this.dump = await fresh.dumpDataDir!()
      await fresh.close()
    }
    const database = openDatabase({ kind: 'embedded', loadDataDir: this.dump })
    const db = database.db
    return {
      kind: 'embedded',
      database,
      // One connection: the setting is put back so the product's own statements keep their foreign keys.
      seed: async (text) => {
        await sql.raw('set session_replication_role = replica').execute(db)
        try {
          await sql.raw(text).execute(db)
        } finally {
          await sql.raw('reset session_replication_role').execute(db)
        }
      },
      query: async <T>(text: string) => (await sql.raw(text).execute(db)).rows as T[],
      close: () => database.close(),
    }
  }

  async drop(name: string) {
    if (!this.admin) return
    await this.admin.unsafe(`drop database if exists ${name} with (force)`)
    this.created = this.created.filter((n) => n !== name)
  }

  async closeAll() {
    if (!this.admin) return
    for (const name of [...this.created].reverse()) await this.drop(name)
    await this.admin.end()
    this.admin = undefined
  }
}
