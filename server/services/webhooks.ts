import { createHmac, timingSafeEqual } from 'node:crypto'
import { lookup as dnsLookup } from 'node:dns'
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/tables/index.ts'
import type { Paging } from '../../db/queries/paging.ts'
import type { Scope } from '../context.ts'
import { privateWebhooksAllowed } from '../config.ts'
import { toWebhookDelivery } from '../schemas/settings.ts'
import { checkTargetHost, guardedLookup, type Lookup } from './webhook-targets.ts'

/**
 * Webhook signatures, for integrators.
 *
 * Each delivery is a `POST` of a JSON body with these headers:
 * - `x-cxw-event`: the event, e.g. `test.completed`;
 * - `x-cxw-delivery`: the delivery id, the same on every retry of it: delivery is at least once,
 *   so a receiver should ignore an id it has already processed;
 * - `x-cxw-timestamp`: when this attempt was sent, in unix seconds;
 * - `x-cxw-signature`: `sha256=` and the lowercase hex HMAC-SHA256, keyed with the workspace's
 *   webhook secret (its UTF-8 bytes), of `<x-cxw-timestamp>.<raw body>`.
 *
 * To verify, recompute the HMAC over the body's raw bytes as received (before any JSON parsing:
 * re-serialising changes them), compare in constant time, and refuse a timestamp more than a few
 * minutes old, which stops a captured request from being replayed. In Node:
 *
 *     const expected = 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')
 *     const ok = expected.length === header.length && timingSafeEqual(Buffer.from(expected), Buffer.from(header))
 *
 * Any 2xx answer counts as delivered; anything else (including a redirect, which is not
 * followed) is retried with backoff. The answer's body is never read: the delivery log keeps the
 * status and how long it took. A URL pointing into the server's own network (webhook-targets.ts)
 * is refused at each attempt unless ALLOW_PRIVATE_WEBHOOKS=1.
 */
export function signWebhook(secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`
}

/** Whether `signatureHeader` signs this timestamp and body (constant-time); with `now`, also that the timestamp is fresh. */
export function verifyWebhookSignature(
  secret: string,
  timestamp: number | string,
  rawBody: string | Buffer,
  signatureHeader: string | null | undefined,
  freshness?: { now: Date; toleranceSeconds?: number },
): boolean {
  const given = /^sha256=([0-9a-f]{64})$/.exec(signatureHeader ?? '')?.[1]
  if (!given || !/^\d{1,12}$/.test(String(timestamp))) return false
  if (
    freshness &&
    Math.abs(freshness.now.getTime() / 1000 - Number(timestamp)) > (freshness.toleranceSeconds ?? 300)
  )
    return false
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody).slice('sha256='.length), 'hex')
  return timingSafeEqual(expected, Buffer.from(given, 'hex'))
}

/** The wait after the n-th failed attempt: 30 s, 1 min, 2 min, … at most an hour. */
export const retryDelayMs = (attempts: number) => Math.min(30_000 * 2 ** Math.max(attempts - 1, 0), 3_600_000)

export interface WebhookDispatcherOptions {
  db: Kysely<DB>
  clock: () => Date
  /** Resolves target names (tests pass their own); each address is checked before connecting to it. */
  lookup?: Lookup
  /** Lets deliveries go to private addresses; by default ALLOW_PRIVATE_WEBHOOKS, read at each attempt. */
  allowPrivateTargets?: boolean
  /** How long one attempt may take, answer included. */
  timeoutMs?: number
  /** After this many failed attempts a delivery is marked failed and left alone. */
  maxAttempts?: number
  batchSize?: number
  log?: (message: string, err: unknown) => void
}

interface Outcome {
  ok: boolean
  status: number | null
  error: string | null
}

export function createWebhookDispatcher(options: WebhookDispatcherOptions) {
  const { db, clock, lookup = dnsLookup, timeoutMs = 5000, maxAttempts = 8, batchSize = 20 } = options
  const log = options.log ?? ((message, err) => console.error(message, err))
  // A claimed delivery is not due again until the lease ends, so another process skips it while
  // this one sends; if this process dies mid-send, the delivery is retried after the lease.
  const leaseMs = timeoutMs + 60_000

  /**
   * Claims up to a batch of due deliveries in one statement (its own short transaction): rows
   * another process has locked are skipped, and the claimed ones get the lease and their attempt
   * counted before anything is sent, so no transaction is open during network I/O.
   */
  async function claim() {
    const now = clock()
    return db
      .updateTable('webhook_deliveries')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: new Date(now.getTime() + leaseMs) }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'workspace_id', 'event', 'url', 'payload', 'attempts'])
      .execute()
  }

  type Claimed = Awaited<ReturnType<typeof claim>>[number]

  function describe(err: unknown): string {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
      return `No answer within ${timeoutMs} ms`
    const code = (err as { code?: string }).code
    const message = err instanceof Error ? err.message : String(err)
    return code && !message.startsWith('Refused') ? `${code}: ${message}` : message
  }

  /**
   * POSTs to the target and resolves with the status of its answer, whose body is not read. The
   * name is resolved and checked by the lookup the connection itself uses; no redirect is followed.
   */
  function post(url: URL, headers: OutgoingHttpHeaders, body: string): Promise<number> {
    const allowPrivate = options.allowPrivateTargets ?? privateWebhooksAllowed()
    checkTargetHost(url, allowPrivate)
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers,
          agent: false,
          lookup: guardedLookup(lookup, allowPrivate),
          signal: AbortSignal.timeout(timeoutMs),
        },
        (res) => {
          resolve(res.statusCode ?? 0)
          res.destroy()
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  async function send(d: Claimed): Promise<Outcome> {
    // The secret is read now, so a rotated secret signs every later attempt.
    const ws = await db
      .selectFrom('workspaces')
      .select('webhook_secret')
      .where('id', '=', d.workspace_id)
      .executeTakeFirst()
    if (!ws?.webhook_secret) return { ok: false, status: null, error: 'The workspace has no webhook secret' }
    const { event, ...facts } = d.payload as { event: string }
    const body = JSON.stringify({ event, deliveryId: d.id, ...facts })
    const timestamp = Math.floor(clock().getTime() / 1000)
    const started = performance.now()
    try {
      const status = await post(
        new URL(d.url),
        {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-cxw-event': d.event,
          'x-cxw-delivery': String(d.id),
          'x-cxw-timestamp': String(timestamp),
          'x-cxw-signature': signWebhook(ws.webhook_secret, timestamp, body),
        },
        body,
      )
      if (status >= 200 && status < 300) return { ok: true, status, error: null }
      return {
        ok: false,
        status,
        error: `HTTP ${status} after ${Math.round(performance.now() - started)} ms`,
      }
    } catch (err) {
      return { ok: false, status: null, error: describe(err).slice(0, 500) }
    }
  }

  async function record(d: Claimed, outcome: Outcome) {
    const now = clock()
    if (outcome.ok) {
      await db
        .updateTable('webhook_deliveries')
        .set({ status: 'delivered', delivered_at: now, last_status: outcome.status, last_error: null })
        .where('id', '=', d.id)
        .execute()
      return
    }
    const failed = d.attempts >= maxAttempts
    // Only while this attempt is still the latest claim: after an expired lease, the newer
    // claim's outcome is the one that counts.
    await db
      .updateTable('webhook_deliveries')
      .set({
        status: failed ? 'failed' : 'pending',
        last_status: outcome.status,
        last_error: outcome.error,
        next_attempt_at: failed ? now : new Date(now.getTime() + retryDelayMs(d.attempts)),
      })
      .where('id', '=', d.id)
      .where('attempts', '=', d.attempts)
      .where('status', '=', 'pending')
      .execute()
  }

  /** Sends one batch of due deliveries and records each outcome; returns how many were attempted. */
  async function deliverDue(): Promise<number> {
    const claimed = await claim()
    const results = await Promise.allSettled(claimed.map(async (d) => record(d, await send(d))))
    const failure = results.find((r) => r.status === 'rejected')
    if (failure) throw failure.reason
    return claimed.length
  }

  let running: Promise<void> | undefined
  let again = false
  let stopped = false
  let timer: NodeJS.Timeout | undefined

  /** Batches until none is full; a kick during a pass makes it go round once more. */
  function pass(): Promise<void> {
    if (stopped) return Promise.resolve()
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      try {
        do {
          again = false
          while ((await deliverDue()) === batchSize && !stopped);
        } while (again && !stopped)
      } catch (err) {
        log('Webhook delivery pass failed', err)
      } finally {
        running = undefined
      }
    })()
    return running
  }

  return {
    deliverDue,
    /** Sends what is due soon, without waiting; call it after the transaction that queued a delivery commits. */
    kick(): void {
      void pass()
    },
    /** Runs a pass now and every `intervalMs`; the timer does not keep the process alive. */
    start(intervalMs = 15_000): void {
      stopped = false
      if (timer) return
      timer = setInterval(() => void pass(), intervalMs)
      timer.unref()
      void pass()
    },
    /** Stops the timer and waits for a pass under way. */
    async stop(): Promise<void> {
      stopped = true
      clearInterval(timer)
      timer = undefined
      await running
    },
  }
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>

/** The delivery log, newest first. */
export async function listWebhookDeliveries(db: Kysely<DB>, scope: Scope, paging: Paging) {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .$if(paging.cursor !== undefined, (q) => q.where('id', '<', Number(paging.cursor)))
    .orderBy('id', 'desc')
    .limit(paging.limit)
    .execute()
  return {
    items: rows.map(toWebhookDelivery),
    nextCursor: rows.length === paging.limit ? String(rows.at(-1)!.id) : null,
  }
}
