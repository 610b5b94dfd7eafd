import { setImmediate } from 'node:timers/promises'
import type { Kysely, Transaction } from 'kysely'
import {
  addToArmTotals,
  addToDailyTotals,
  findAssignedGroups,
  findRecordedDeals,
  insertDealChangeAudit,
  upsertDeals,
  type AssignedGroup,
  type DailyTotalsDelta,
  type RecordedDeal,
} from '../../db/queries/deals.ts'
import type { DB, Group, TestRow } from '../../db/tables/index.ts'
import type { Scope } from '../context.ts'
import { ApiError, wrongState } from '../errors.ts'
import { DealRow } from '../schemas/deal.ts'
import { recordAudit } from './audit.ts'
import { completeIfDue, lockTest, plannedEnd } from './test-lifecycle.ts'
import { dayInZone, readZonedDate } from '../lib/time-zone.ts'
import { findTimeZone } from '../../db/queries/lookups.ts'
import { getOwned } from './records.ts'

/** Why a row was refused, as a stable code the interface translates; `reason` says it in English. */
export type RefusalCode =
  | 'invalid_value'
  | 'unknown_field'
  | 'repeated_in_batch'
  | 'customer_not_assigned'
  | 'customer_changed'
  | 'before_test_start'
  | 'in_future'

export interface RefusedRow {
  row: number
  field: string
  code: RefusalCode
  reason: string
}

/** A row to ingest and its number as the sender sees it (JSON: 1-based index; CSV: line). */
export interface NumberedRow {
  row: number
  value: unknown
}

interface CleanDeal {
  row: number
  externalId: string
  customerKey: string
  closedAt: Date
  /** Sent as a date without a time: the whole day in the workspace's zone. */
  dayOnly: boolean
  converted: boolean
  revenue: number | null
  attributes: Record<string, unknown>
}

const CLOCK_SKEW_MS = 5 * 60_000

/**
 * Checks every row on its own: shape and types first, then duplicates within the batch (`firstRow`
 * remembers, across a batch's chunks, the row where each external id was first seen).
 */
function parseRows(
  rows: readonly NumberedRow[],
  firstRow: Map<string, number>,
  timeZone: string,
): { deals: CleanDeal[]; refused: RefusedRow[] } {
  const deals: CleanDeal[] = []
  const refused: RefusedRow[] = []
  for (const { row, value } of rows) {
    const parsed = DealRow.safeParse(value)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field =
          issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : String(issue.path[0] ?? 'row')
        refused.push({
          row,
          field,
          code: issue.code === 'unrecognized_keys' ? 'unknown_field' : 'invalid_value',
          reason: issue.message,
        })
      }
      continue
    }
    const d = parsed.data
    const first = firstRow.get(d.externalId)
    if (first !== undefined) {
      refused.push({
        row,
        field: 'externalId',
        code: 'repeated_in_batch',
        reason: `repeated in this batch (first at row ${first})`,
      })
      continue
    }
    firstRow.set(d.externalId, row)
    const closed = readZonedDate(d.closedAt, timeZone)!
    deals.push({
      row,
      externalId: d.externalId,
      customerKey: d.customerKey,
      closedAt: closed.instant,
      dayOnly: closed.dayOnly,
      converted: d.converted,
      // Rounded once, to what the column keeps, before it is compared or added to the totals.
      revenue: d.revenue == null ? null : Math.round(d.revenue * 100) / 100,
      attributes: d.attributes ?? {},
    })
  }
  return { deals, refused }
}

/** JSON with object keys sorted, so attributes sent in another order compare equal. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
}

const same = (a: RecordedDeal, d: CleanDeal) =>
  a.closed_day_only === d.dayOnly &&
  a.closed_at.getTime() === d.closedAt.getTime() &&
  a.converted === d.converted &&
  (a.revenue ?? null) === d.revenue &&
  canonical(a.attributes) === canonical(d.attributes)

type Delta = {
  deals: number
  conversions: number
  revenueN: number
  /** In cents: sums of money are kept exact, as the deals' own amounts are. */
  revenueCents: number
  revenueSq: number
  late: number
  first: number
  last: number
}
const emptyDelta = (): Delta => ({
  deals: 0,
  conversions: 0,
  revenueN: 0,
  revenueCents: 0,
  revenueSq: 0,
  late: 0,
  first: Infinity,
  last: -Infinity,
})

function addTo(
  delta: Delta,
  d: { converted: boolean; revenue: number | null; closedAt: Date },
  sign: 1 | -1,
) {
  delta.deals += sign
  delta.conversions += sign * (d.converted ? 1 : 0)
  if (d.revenue !== null) {
    delta.revenueN += sign
    delta.revenueCents += sign * Math.round(d.revenue * 100)
    delta.revenueSq += sign * d.revenue * d.revenue
  }
  if (sign === 1) {
    delta.first = Math.min(delta.first, d.closedAt.getTime())
    delta.last = Math.max(delta.last, d.closedAt.getTime())
  }
}

/** Per (group, calendar day in the workspace's zone) changes for arm_daily_totals. */
function addToDay(
  days: Map<string, DailyTotalsDelta>,
  group: Group,
  d: { converted: boolean; revenue: number | null; closedAt: Date },
  sign: 1 | -1,
  timeZone: string,
) {
  const day = dayInZone(d.closedAt, timeZone)
  const key = `${group}|${day}`
  const delta = days.get(key) ?? { group, day, deals: 0, conversions: 0, revenueN: 0, revenueSum: 0 }
  delta.deals += sign
  delta.conversions += sign * (d.converted ? 1 : 0)
  if (d.revenue !== null) {
    delta.revenueN += sign
    delta.revenueSum += sign * Math.round(d.revenue * 100) // in cents until applied
  }
  days.set(key, delta)
}

async function applyDailyTotals(trx: Transaction<DB>, testId: number, days: Map<string, DailyTotalsDelta>) {
  const deltas = [...days.values()].filter(
    (d) => d.deals !== 0 || d.conversions !== 0 || d.revenueN !== 0 || d.revenueSum !== 0,
  )
  if (deltas.length)
    await addToDailyTotals(
      trx,
      testId,
      deltas.map((d) => ({ ...d, revenueSum: d.revenueSum / 100 })),
    )
}

async function applyTotals(trx: Transaction<DB>, testId: number, deltas: Record<Group, Delta>) {
  const arm = (d: Delta) => ({
    deals: d.deals,
    conversions: d.conversions,
    revenueN: d.revenueN,
    revenueSum: d.revenueCents / 100,
    revenueSumSquares: d.revenueSq,
    late: d.late,
    firstClosedAt: Number.isFinite(d.first) ? new Date(d.first) : null,
    lastClosedAt: Number.isFinite(d.last) ? new Date(d.last) : null,
  })
  await addToArmTotals(trx, testId, { control: arm(deltas.control), treatment: arm(deltas.treatment) })
}

export interface IngestOutcome {
  received: number
  inserted: number
  updated: number
  unchanged: number
  late: number
  /** The first refusals (at most MAX_LISTED_REFUSALS), in row order. */
  refused: RefusedRow[]
  /** Every refused row, listed or not. */
  refusedCount: number
  testStatus: TestRow['status']
}

/** The rows of a batch: an array, or a CSV file's rows made a slice at a time as they are reached. */
export type RowSource = readonly NumberedRow[] | AsyncIterable<NumberedRow[]>

async function* slicesOf(rows: RowSource): AsyncGenerator<readonly NumberedRow[]> {
  if (Array.isArray(rows)) yield rows
  else yield* rows as AsyncIterable<NumberedRow[]>
}

/**
 * Rows checked and written per statement. A batch is worked through in chunks so that the
 * database writes one chunk while the next is checked here: the two take about as long per row,
 * and one after the other they would take twice as long.
 */
export const INGEST_CHUNK = 2_000

/**
 * Refusals listed in a reply; the rest are counted. A file of millions of bad rows is answered with
 * a reply of a few hundred kilobytes, not one the size of the file.
 */
export const MAX_LISTED_REFUSALS = 1_000

/** Deals are accepted from a test's start: a draft refuses them (409). */
function refuseDraft(test: Pick<TestRow, 'status'>) {
  if (test.status === 'draft') throw wrongState('The test has not started: deals are accepted from its start')
}

/**
 * Whether the workspace's test takes deals (404 for another workspace's, 409 for a draft), asked
 * before an upload is read; ingestion asks again under the test's lock.
 */
export async function assertTakesDeals(db: Kysely<DB>, scope: Scope, testId: number) {
  refuseDraft(await getOwned(db, 'tests', scope.workspaceId, testId))
}

/**
 * Records a batch of deals for a test, upserting by external id. The group of each deal comes
 * from its customer's assignment. In strict mode one bad row refuses the batch (422, every bad row
 * listed, nothing written); in partial mode the good rows are written and the bad ones returned.
 * Deals arriving after the test completed are kept and flagged late, outside the primary analysis.
 * Per-arm totals change in the same transaction, and the test completes when its target is met.
 * Ingestion for one test is serialised by a lock on its row, so totals stay exact under
 * concurrent, overlapping batches. Everything happens in one transaction: a strict batch whose
 * later chunk holds a bad row is rolled back whole.
 */
export async function ingestDeals(
  db: Kysely<DB>,
  scope: Scope,
  testId: number,
  rows: RowSource,
  mode: 'strict' | 'partial',
  now: Date,
): Promise<IngestOutcome> {
  return db.transaction().execute(async (trx) => {
    const locked = await lockTest(trx, scope, testId)
    refuseDraft(locked)
    const timeZone = await findTimeZone(trx, scope.workspaceId)
    // A test whose time ran out completes first, so deals closed after its end come in late. Any
    // other completion (its target) is checked once the batch is written.
    const timeUp = locked.frozen_plan !== null && now >= plannedEnd(locked, locked.frozen_plan)
    const test = timeUp ? await completeIfDue(trx, scope, testId, now) : locked

    const batch = new BatchWriter(trx, scope, test, mode, now, timeZone)
    const slices = slicesOf(rows)
    let pending: readonly NumberedRow[] = []
    let received = 0
    const nextChunk = async () => {
      while (pending.length < INGEST_CHUNK) {
        const next = await slices.next()
        if (next.done) break
        pending = pending.length ? [...pending, ...next.value] : next.value
      }
      const taken = pending.slice(0, INGEST_CHUNK)
      pending = pending.slice(INGEST_CHUNK)
      received += taken.length
      return taken.length ? parseRows(taken, batch.firstRow, timeZone) : undefined
    }
    // The database works one step ahead: while the next chunk is checked here, it writes the chunk
    // before; while a chunk's writes are prepared here, it looks up the next chunk.
    let chunk = await nextChunk()
    let lookups = chunk && batch.lookUp(chunk.deals)
    while (chunk && lookups) {
      await setImmediate() // lets the statements go out before the work here starts
      const next = await nextChunk()
      const nextLookups = next && batch.lookUp(next.deals)
      await batch.write(chunk, await lookups)
      chunk = next
      lookups = nextLookups
    }
    await batch.settled()

    const { refused, refusedCount } = batch
    const listed = refusedCount > refused.length ? ` (the first ${refused.length} listed)` : ''
    if (refusedCount && mode === 'strict') {
      throw new ApiError(
        422,
        'rows_refused',
        `${refusedCount} row(s) refused${listed}; nothing was written. Fix them, or send with ?mode=partial to write the good rows`,
        refused.map((r) => ({
          path: `rows.${r.row}.${r.field}`,
          message: r.reason,
          row: r.row,
          field: r.field,
          code: r.code,
        })),
      )
    }
    if (batch.wrote) {
      await applyTotals(trx, testId, batch.deltas)
      await applyDailyTotals(trx, testId, batch.days)
    }
    const outcome = {
      received,
      inserted: batch.inserted,
      updated: batch.updated,
      unchanged: batch.good - batch.inserted - batch.updated,
      late: batch.late,
      refused,
      refusedCount,
    }
    if (batch.wrote) {
      await recordAudit(trx, {
        workspaceId: scope.workspaceId,
        actor: scope.actor,
        action: 'deals.ingested',
        subjectType: 'test',
        subjectId: testId,
        after: { ...outcome, refused: refusedCount, mode },
      })
    }
    const after = await completeIfDue(trx, scope, testId, now)
    return { ...outcome, testStatus: after.status }
  })
}

type Lookups = [AssignedGroup[], RecordedDeal[]]

/**
 * One batch's state across its chunks: the refusals, the totals' deltas, the counts, and the
 * chunk write still running. Writes are issued without waiting for them, so the next chunk is
 * checked meanwhile; the next query on the transaction waits for them anyway, and a failed write
 * fails the batch at the next `write` or at `settled`.
 */
class BatchWriter {
  readonly firstRow = new Map<string, number>()
  /** The first MAX_LISTED_REFUSALS refusals, in row order; `refusedCount` counts them all. */
  readonly refused: RefusedRow[] = []
  refusedCount = 0
  readonly deltas = { control: emptyDelta(), treatment: emptyDelta() }
  readonly days = new Map<string, DailyTotalsDelta>()
  inserted = 0
  updated = 0
  late = 0
  good = 0
  private pending: Promise<unknown> = Promise.resolve()
  private readonly startDay: string
  private readonly today: string

  constructor(
    private readonly trx: Transaction<DB>,
    private readonly scope: Scope,
    private readonly test: TestRow,
    private readonly mode: 'strict' | 'partial',
    private readonly now: Date,
    private readonly timeZone: string,
  ) {
    this.startDay = dayInZone(test.started_at!, timeZone)
    this.today = dayInZone(now, timeZone)
  }

  /**
   * Why a deal's closing date is refused, or null. A date without a time is its whole day: any
   * day from the start day to today counts.
   */
  private dateRefusal(d: CleanDeal): RefusedRow | null {
    const day = d.dayOnly ? dayInZone(d.closedAt, this.timeZone) : null
    const before = day !== null ? day < this.startDay : d.closedAt < this.test.started_at!
    if (before)
      return {
        row: d.row,
        field: 'closedAt',
        code: 'before_test_start',
        reason: `before the test started (${this.startDay})`,
      }
    const future = day !== null ? day > this.today : d.closedAt.getTime() > this.now.getTime() + CLOCK_SKEW_MS
    if (future) return { row: d.row, field: 'closedAt', code: 'in_future', reason: 'in the future' }
    return null
  }

  /** Closed after the completion: kept, outside the analysis. */
  private isLate(d: { closedAt: Date }) {
    return this.test.late_after !== null && d.closedAt > this.test.late_after
  }

  /** The assignments of the chunk's customers and the deals already recorded under its external ids. */
  lookUp(deals: CleanDeal[]): Promise<Lookups> {
    const keys = [...new Set(deals.map((d) => d.customerKey))]
    const testId = this.test.id
    // Each key is probed on its own in the unique index (db/queries/deals.ts says why).
    const found: Promise<Lookups> = Promise.all([
      findAssignedGroups(this.trx, testId, keys),
      findRecordedDeals(
        this.trx,
        testId,
        deals.map((d) => d.externalId),
      ),
    ])
    // Awaited by the caller; marked handled now, as a write before it may fail first.
    found.catch(() => {})
    return found
  }

  /** Sorts a chunk's rows into refused, unchanged, new and changed, and sends the writes. */
  async write(chunk: { deals: CleanDeal[]; refused: RefusedRow[] }, [assigned, existingRows]: Lookups) {
    const groupOf = new Map(assigned.map((a) => [a.customer_key, a.group]))
    const existing = new Map(existingRows.map((e) => [e.external_id, e]))
    const refused = [...chunk.refused]
    const good: (CleanDeal & { group: Group })[] = []
    for (const d of chunk.deals) {
      const group = groupOf.get(d.customerKey)
      const before = existing.get(d.externalId)
      if (!group)
        refused.push({
          row: d.row,
          field: 'customerKey',
          code: 'customer_not_assigned',
          reason: 'customer never assigned to this test',
        })
      else if (before && before.customer_key !== d.customerKey)
        refused.push({
          row: d.row,
          field: 'customerKey',
          code: 'customer_changed',
          reason: `the deal was recorded for customer ${before.customer_key}`,
        })
      else {
        const refusal = this.dateRefusal(d)
        if (refusal) refused.push(refusal)
        else good.push({ ...d, group })
      }
    }
    this.good += good.length
    // Chunks come in row order: sorted within the chunk, the list holds the first refusals of the batch.
    this.refusedCount += refused.length
    if (this.refused.length < MAX_LISTED_REFUSALS) {
      refused.sort((a, b) => a.row - b.row)
      this.refused.push(...refused.slice(0, MAX_LISTED_REFUSALS - this.refused.length))
    }
    // A strict batch with a bad row is refused whole: its other chunks are still checked, so
    // every bad row is counted, but nothing more is written.
    if (this.mode === 'strict' && this.refusedCount) return

    const writes: (CleanDeal & { group: Group; late: boolean })[] = []
    const changes: { externalId: string; before: object; after: object }[] = []
    const zone = this.timeZone
    // A deal counts in the totals unless it is late; a change moves its old contribution out and
    // its new one in, wherever each belongs.
    const count = (
      group: Group,
      d: { converted: boolean; revenue: number | null; closedAt: Date },
      late: boolean,
      sign: 1 | -1,
    ) => {
      if (late) this.deltas[group].late += sign
      else {
        addTo(this.deltas[group], d, sign)
        addToDay(this.days, group, d, sign, zone)
      }
    }
    for (const d of good) {
      const before = existing.get(d.externalId)
      const late = this.isLate(d)
      if (!before) {
        this.inserted++
        if (late) this.late++
        count(d.group, d, late, 1)
        writes.push({ ...d, late })
      } else if (!same(before, d)) {
        if (late) this.late++
        count(
          d.group,
          { converted: before.converted, revenue: before.revenue, closedAt: before.closed_at },
          before.late,
          -1,
        )
        count(d.group, d, late, 1)
        writes.push({ ...d, late })
        changes.push({
          externalId: d.externalId,
          before: {
            closedAt: before.closed_at.toISOString(),
            converted: before.converted,
            revenue: before.revenue,
            late: before.late,
          },
          after: { closedAt: d.closedAt.toISOString(), converted: d.converted, revenue: d.revenue, late },
        })
      }
    }
    this.updated += changes.length
    // The chunk before must have been written (its failure fails the batch here).
    await this.pending
    const testId = this.test.id
    const scope = this.scope
    const statements: Promise<unknown>[] = []
    if (writes.length) statements.push(upsertDeals(this.trx, testId, writes))
    if (changes.length) statements.push(insertDealChangeAudit(this.trx, scope, testId, changes))
    this.pending = Promise.all(statements)
    this.pending.catch(() => {})
  }

  /** Whether any deal was written: the totals, the daily totals and the audit then change. */
  get wrote() {
    return this.inserted + this.updated > 0
  }

  /** Waits for the last chunk's writes. */
  async settled() {
    await this.pending
  }
}

/** A test's deals, in id order, streamed in pages. */
export async function* listDeals(db: Kysely<DB>, scope: Scope, testId: number, pageSize = 5000) {
  await getOwned(db, 'tests', scope.workspaceId, testId)
  let after = 0
  for (;;) {
    const page = await db
      .selectFrom('deals')
      .select([
        'id',
        'external_id',
        'customer_key',
        'group',
        'closed_at',
        'converted',
        'revenue',
        'attributes',
        'late',
        'updated_at',
      ])
      .where('test_id', '=', testId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute()
    if (page.length === 0) return
    yield page.map((d) => ({
      externalId: d.external_id,
      customerKey: d.customer_key,
      group: d.group,
      closedAt: d.closed_at.toISOString(),
      converted: d.converted,
      revenue: d.revenue,
      attributes: d.attributes,
      late: d.late,
      updatedAt: d.updated_at.toISOString(),
    }))
    after = page.at(-1)!.id
  }
}
