/**
 * Calendar days and wall-clock times in a workspace's time zone (an IANA name such as
 * "Europe/Moscow"). A date without a time is that whole day in the zone; a time without an offset
 * is the zone's wall clock. Offsets come from the runtime's time-zone database (Intl), so
 * daylight-saving changes and historical offsets are what the zone really had.
 */

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(zone, f)
  }
  return f
}

/** Whether the runtime knows the zone by this name. */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false
  try {
    formatter(zone)
    return true
  } catch {
    return false
  }
}

interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

/**
 * Wall clocks already read, per zone, by the whole second (the formatter's resolution): a file of
 * deals repeats the same few days and times, and Intl's formatToParts costs microseconds each.
 * Bounded: a zone's memo is cleared when it reaches WALL_CLOCK_MEMO entries.
 */
const wallClocks = new Map<string, Map<number, WallClock>>()
const WALL_CLOCK_MEMO = 4096

function wallClock(instant: number, zone: string): WallClock {
  const second = Math.floor(instant / 1000)
  let memo = wallClocks.get(zone)
  if (!memo) wallClocks.set(zone, (memo = new Map()))
  let w = memo.get(second)
  if (!w) {
    if (memo.size >= WALL_CLOCK_MEMO) memo.clear()
    w = readWallClock(second * 1000, zone)
    memo.set(second, w)
  }
  return w
}

function readWallClock(instant: number, zone: string): WallClock {
  const parts: Record<string, number> = {}
  for (const p of formatter(zone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  }
}

/** The zone's offset from UTC at an instant, in milliseconds (Moscow: +3 h). */
function offsetAt(instant: number, zone: string): number {
  const w = wallClock(instant, zone)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000))
}

/**
 * The instant at which the zone's wall clock shows the given time. A wall time skipped by a
 * daylight-saving jump is read with the offset before the jump; a repeated one, as its first
 * occurrence.
 */
export function zonedTimeToInstant(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond)
  const first = asUtc - offsetAt(asUtc, zone)
  const second_ = asUtc - offsetAt(first, zone)
  return new Date(Math.min(first, second_))
}

/** The calendar day ("2026-12-03") of an instant in the zone. */
export function dayInZone(instant: Date, zone: string): string {
  const w = wallClock(instant.getTime(), zone)
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`
}

/** The first instant of a calendar day ("2026-12-03") in the zone. */
export function startOfDay(day: string, zone: string): Date {
  const [y, m, d] = day.split('-').map(Number)
  return zonedTimeToInstant(zone, y!, m!, d!)
}

/** The calendar day `days` after `day` (negative for before). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10)
}

/** Day of the week of a calendar day: 0 Sunday … 6 Saturday. */
export function weekday(day: string): number {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y!, m! - 1, d!)).getUTCDay()
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/

/**
 * Reads a date as a deal's CRM sends it, in the workspace's zone:
 * - "2026-12-03": the whole day; `instant` is its first moment and `dayOnly` is true;
 * - "2026-12-03T10:00" (no offset): 10:00 on the zone's wall clock;
 * - "2026-12-03T10:00:00Z" or "+03:00": that instant.
 * Returns null for text that is none of these (the schema refuses it before).
 */
export function readZonedDate(text: string, zone: string): { instant: Date; dayOnly: boolean } | null {
  const s = text.trim()
  const day = DATE_ONLY.exec(s)
  if (day) return { instant: zonedTimeToInstant(zone, +day[1]!, +day[2]!, +day[3]!), dayOnly: true }
  const wall = WALL_TIME.exec(s)
  if (wall) {
    const ms = wall[7] ? Math.round(Number(`0.${wall[7]}`) * 1000) : 0
    const instant = zonedTimeToInstant(
      zone,
      +wall[1]!,
      +wall[2]!,
      +wall[3]!,
      +wall[4]!,
      +wall[5]!,
      +(wall[6] ?? 0),
      ms,
    )
    return { instant, dayOnly: false }
  }
  const parsed = Date.parse(s)
  return Number.isNaN(parsed) ? null : { instant: new Date(parsed), dayOnly: false }
}

/** The zone a new workspace gets from its interface language. */
export const defaultTimeZone = (locale: 'en' | 'ru') => (locale === 'ru' ? 'Europe/Moscow' : 'UTC')
