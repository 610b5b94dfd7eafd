import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from '../../db/tables/index.ts'

/**
 * How many attempts a key gets before it must wait, and how the wait grows: after the `free`-th
 * attempt `firstDelayS`, doubling with each further attempt up to `maxDelayS`.
 */
export interface ThrottlePolicy {
  free: number
  firstDelayS: number
  maxDelayS: number
}

/**
 * One account at one address: ten tries, then 30 s, 1 min, 2 min … at most 15 min between tries —
 * about four guesses an hour. The same account from another address is not slowed, so a guesser
 * cannot lock its owner out.
 */
export const ACCOUNT_AT_ADDRESS: ThrottlePolicy = { free: 10, firstDelayS: 30, maxDelayS: 15 * 60 }
/**
 * One address over every account (one password tried on many accounts): generous, with waits of
 * at most a minute, as all users behind one NAT (or a proxy not named in TRUST_PROXY) share it.
 */
export const ANY_ACCOUNT_AT_ADDRESS: ThrottlePolicy = { free: 100, firstDelayS: 1, maxDelayS: 60 }
/** A key quiet this long starts afresh, and its row is removed. */
const FORGET_AFTER_MS = 3600_000
const CLEANUP_EVERY_MS = 10 * 60_000

const pairKey = (email: string, address: string) => `account:${email}|address:${address}`
const addressKey = (address: string) => `address:${address}`

/**
 * Failed sign-ins, counted in PostgreSQL so that the limit holds across every API process on one
 * database. An attempt is reserved (counted) before the password is checked, in one statement, so
 * parallel guesses cannot all pass the check before any is counted.
 */
export class SignInThrottle {
  private lastCleanup = Number.NEGATIVE_INFINITY

  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Reserves an attempt to sign in to `email` from `address`: 0 when reserved, otherwise the
   * seconds until the next attempt is allowed.
   */
  async reserve(email: string, address: string, now: Date): Promise<number> {
    await this.cleanup(now)
    const wait = await this.take(pairKey(email, address), ACCOUNT_AT_ADDRESS, now)
    return wait > 0 ? wait : this.take(addressKey(address), ANY_ACCOUNT_AT_ADDRESS, now)
  }

  /** The password was right: the account starts afresh at this address, and the address gets its attempt back. */
  async succeeded(email: string, address: string): Promise<void> {
    await this.db.deleteFrom('sign_in_attempts').where('key', '=', pairKey(email, address)).execute()
    await this.db
      .updateTable('sign_in_attempts')
      .set({ attempts: sql<number>`greatest(attempts - 1, 1)` })
      .where('key', '=', addressKey(address))
      .execute()
  }

  /**
   * One statement: counts the attempt and moves `next_allowed_at` on, but only when the key may
   * try now: within its free attempts, or once its wait is over (the row is locked by the upsert,
   * so concurrent attempts queue and each sees the one before). An hour's quiet starts afresh.
   */
  private async take(key: string, policy: ThrottlePolicy, now: Date): Promise<number> {
    const at = sql`${now}::timestamptz`
    const count = sql`(case when t.last_attempt_at > ${at} - make_interval(secs => ${FORGET_AFTER_MS / 1000}::float8)
      then t.attempts + 1 else 1 end)`
    const reserved = await sql<{ attempts: number }>`
      insert into sign_in_attempts as t (key, attempts, last_attempt_at, next_allowed_at)
      values (${key}, 1, ${at}, ${at} + ${delay(sql`1`, policy)})
      on conflict (key) do update set
        attempts = ${count},
        last_attempt_at = ${at},
        next_allowed_at = ${at} + ${delay(count, policy)}
      where ${count} <= ${policy.free}::int or t.next_allowed_at <= ${at}
      returning attempts`.execute(this.db)
    if (reserved.rows.length) return 0
    const row = await this.db
      .selectFrom('sign_in_attempts')
      .select('next_allowed_at')
      .where('key', '=', key)
      .executeTakeFirst()
    return Math.max(1, Math.ceil(((row?.next_allowed_at.getTime() ?? 0) - now.getTime()) / 1000))
  }

  /** Removes keys quiet for an hour, at most every ten minutes per process. */
  private async cleanup(now: Date): Promise<void> {
    if (now.getTime() - this.lastCleanup < CLEANUP_EVERY_MS) return
    this.lastCleanup = now.getTime()
    await this.db
      .deleteFrom('sign_in_attempts')
      .where('last_attempt_at', '<', new Date(now.getTime() - FORGET_AFTER_MS))
      .execute()
  }
}

/** The wait after the n-th attempt, as an interval. */
function delay(n: RawBuilder<unknown>, policy: ThrottlePolicy): RawBuilder<unknown> {
  return sql`make_interval(secs => case when ${n} < ${policy.free}::int then 0
    else least(${policy.firstDelayS}::float8 * power(2::float8, (${n} - ${policy.free}::int)::float8), ${policy.maxDelayS}::float8) end)`
}
