/**
 * A sliding-window counter of failed sign-ins, kept in the process: per account and per client
 * address. It forgets entries older than the window. Several API processes each keep their own
 * counts, so the effective limit is per process; that still stops guessing at any useful rate.
 */
export class SignInLimiter {
  private readonly failures = new Map<string, number[]>()

  constructor(
    readonly perAccount = 10,
    readonly perAddress = 50,
    readonly windowMs = 15 * 60_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs)
    if (times.length) this.failures.set(key, times)
    else this.failures.delete(key)
    return times
  }

  /** Seconds until the next attempt is allowed, or 0 when it is allowed now. */
  retryAfter(email: string, address: string, now: number): number {
    const checks: [string, number][] = [
      [`account:${email}`, this.perAccount],
      [`address:${address}`, this.perAddress],
    ]
    let wait = 0
    for (const [key, limit] of checks) {
      const times = this.recent(key, now)
      if (times.length >= limit) wait = Math.max(wait, Math.ceil((times[0]! + this.windowMs - now) / 1000))
    }
    return wait
  }

  recordFailure(email: string, address: string, now: number): void {
    for (const key of [`account:${email}`, `address:${address}`])
      this.failures.set(key, [...this.recent(key, now), now])
  }

  /** A successful sign-in clears the account's count (not the address's). */
  recordSuccess(email: string): void {
    this.failures.delete(`account:${email}`)
  }
}
