import postgres from 'postgres'

export interface DatabaseHealth {
  /** False from the first failed check until a check succeeds again. */
  isUp(): boolean
  start(): void
  stop(): void
  /** A query failed as if the server were gone: check now rather than at the next tick. */
  suspect(): void
}

/**
 * Watches a PostgreSQL server with its own short-lived connection (2 s to connect and answer),
 * every 5 s while it is up and every second while it is down. The pool's own queries wait for the
 * server to come back rather than fail (postgres.js reconnects with backoff), so requests are
 * answered 503 from this flag meanwhile instead of hanging.
 */
export function watchDatabase(
  url: string,
  options: { upMs?: number; downMs?: number; timeoutMs?: number } = {},
): DatabaseHealth {
  const { upMs = 5000, downMs = 1000, timeoutMs = 2000 } = options
  let up = true
  let timer: NodeJS.Timeout | undefined
  let checking: Promise<void> | undefined
  let stopped = true

  const probe = async () => {
    const client = postgres(url, {
      max: 1,
      connect_timeout: timeoutMs / 1000,
      idle_timeout: 1,
      onnotice: () => {},
    })
    try {
      let timeout: NodeJS.Timeout | undefined
      await Promise.race([
        client`select 1`,
        new Promise((_, reject) => {
          timeout = setTimeout(() => reject(new Error('timeout')), timeoutMs)
        }),
      ]).finally(() => clearTimeout(timeout))
      up = true
    } catch {
      up = false
    } finally {
      void client.end({ timeout: 0 }).catch(() => {})
    }
  }
  const schedule = () => {
    if (stopped) return
    clearTimeout(timer)
    timer = setTimeout(check, up ? upMs : downMs)
    timer.unref()
  }
  const check = () => {
    checking ??= probe().finally(() => {
      checking = undefined
      schedule()
    })
    return checking
  }
  return {
    isUp: () => up,
    start: () => {
      stopped = false
      schedule()
    },
    stop: () => {
      stopped = true
      clearTimeout(timer)
    },
    suspect: () => {
      void check()
    },
  }
}
