/** Small helpers for timing and summarising rounds: medians, percentiles, a monotonic clock. */

export const now = () => performance.now()

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** The q-quantile (0..1) by the nearest-rank method, as load testers report it. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)))
  return sorted[rank - 1]!
}

/** Times `fn` `repeat` times after `warmup` untimed calls; the times in ms. */
export async function timeRepeated(
  fn: () => Promise<unknown>,
  repeat: number,
  warmup = 3,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < repeat; i++) {
    const t0 = now()
    await fn()
    times.push(now() - t0)
  }
  return times
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
