import type { Kysely } from 'kysely'
import { addDays, dayInZone, weekday as weekdayOf } from '../lib/time-zone.ts'
import type { DB } from '../../db/tables/index.ts'
import type { Scope } from '../context.ts'
import { assignCustomers } from '../services/assignment.ts'
import { ingestDeals, type NumberedRow } from '../services/deals.ts'

const DAY = 86_400_000

/** A small seeded generator (mulberry32), so the demo is the same on every machine. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface DemoArms {
  control: { deals: number; conversions: number }
  treatment: { deals: number; conversions: number }
}

interface Plan {
  seed: number
  prefix: string
  arms: DemoArms
  /** Deals close between these days before "now". */
  fromDaysAgo: number
  toDaysAgo: number
  revenue: [number, number]
}

/**
 * Deals that look like a CRM's: customer keys like "CRM-004512", closing on working days far more
 * than at weekends, spread over weeks, and a share of conversions recorded first as "no" and
 * corrected two to three weeks later, as when extras are bought after the car is handed over.
 * Sent through the assignment and ingestion services, day by day, as an integration would.
 */
export async function simulateDeals(db: Kysely<DB>, scope: Scope, testId: number, plan: Plan, now: Date) {
  const rand = random(plan.seed)
  const pool = Array.from({ length: (plan.arms.control.deals + plan.arms.treatment.deals) * 3 }, (_, i) => ({
    customerKey: `CRM-${String(Math.floor(rand() * 900_000) + 100_000 + i).padStart(6, '0')}`,
  }))
  const unique = [...new Map(pool.map((c) => [c.customerKey, c])).values()]
  const assigned = await assignCustomers(db, scope, testId, unique)
  const pick = (group: 'control' | 'treatment') =>
    assigned.filter((a) => a.group === group).slice(0, plan.arms[group].deals)

  // Working days (in the workspace's zone) get five times the weight of a Saturday or Sunday.
  const { time_zone: zone } = await db
    .selectFrom('workspaces')
    .select('time_zone')
    .where('id', '=', scope.workspaceId)
    .executeTakeFirstOrThrow()
  const today = dayInZone(now, zone)
  const days: number[] = []
  for (let d = plan.fromDaysAgo; d >= plan.toDaysAgo; d--) {
    const weekday = weekdayOf(addDays(today, -d))
    for (let w = 0; w < (weekday === 0 || weekday === 6 ? 1 : 5); w++) days.push(d)
  }
  type Deal = {
    externalId: string
    customerKey: string
    daysAgo: number
    /** Local time of closing (9:00–19:59), or null when the CRM sends the date alone. */
    time: string | null
    converted: boolean
    revenue: number | null
    correctedAfter: number | null
  }
  const deals: Deal[] = []
  let n = 0
  for (const group of ['control', 'treatment'] as const) {
    const customers = pick(group)
    customers.forEach((c, i) => {
      const converted = i < plan.arms[group].conversions
      const daysAgo = days[Math.floor(rand() * days.length)]!
      const correctedAfter = converted && daysAgo > 25 && rand() < 0.3 ? 14 + Math.floor(rand() * 8) : null
      const revenue = converted
        ? Math.round(plan.revenue[0] + rand() * (plan.revenue[1] - plan.revenue[0]))
        : null
      const hour = 9 + Math.floor(rand() * 11)
      const minute = Math.floor(rand() * 60)
      deals.push({
        externalId: `${plan.prefix}-${String(++n).padStart(5, '0')}`,
        customerKey: c.customerKey,
        daysAgo,
        time: rand() < 0.3 ? null : `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
        converted,
        revenue,
        correctedAfter,
      })
    })
  }
  // Week by week, oldest first: the deals closed that week, and the corrections due that week, as a
  // CRM export would send them. (Corrections come two weeks or more after their deal, so a deal and
  // its correction never share a batch.)
  const WEEK = 7
  for (let end = plan.fromDaysAgo - WEEK + 1; end > plan.toDaysAgo - 21 - WEEK; end -= WEEK) {
    const inWeek = (daysAgo: number) => daysAgo >= end && daysAgo < end + WEEK
    const rows: NumberedRow[] = []
    for (const deal of deals) {
      const first = inWeek(deal.daysAgo)
      const corrected = deal.correctedAfter !== null && inWeek(deal.daysAgo - deal.correctedAfter)
      if (!first && !corrected) continue
      const initial = first && deal.correctedAfter !== null
      rows.push({
        row: rows.length + 1,
        value: {
          externalId: deal.externalId,
          customerKey: deal.customerKey,
          // As a CRM exports it: the workspace's wall clock, or the date alone.
          closedAt: `${addDays(today, -deal.daysAgo)}${deal.time ? `T${deal.time}` : ''}`,
          converted: initial ? false : deal.converted,
          revenue: initial ? null : deal.revenue,
        },
      })
    }
    const sentAt = new Date(now.getTime() - Math.max(end, 0) * DAY + 20 * 3600_000)
    if (rows.length && end + WEEK > 0)
      await ingestDeals(db, scope, testId, rows, 'strict', sentAt > now ? now : sentAt)
  }
}
