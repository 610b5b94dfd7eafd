import { parse } from 'csv-parse/sync'
import { ApiError } from '../errors.ts'

export interface CsvRow {
  /** The line of the file on which the record ends (the header is line 1). */
  line: number
  values: string[]
}

type Delimiter = ',' | ';' | '\t'

/** A CSV file whose data rows are parsed as they are iterated, a slice's rows at a time. */
export interface CsvReader {
  delimiter: Delimiter
  header: string[]
  rows: AsyncIterable<CsvRow[]>
}

/** The delimiter is whichever of ; , or tab occurs most in the header line (the first that is not blank) outside quotes. */
function detectDelimiter(text: string): Delimiter {
  const headerOn = text.replace(/^(?:[ \t]*\r?\n)+/, '')
  const firstLine = headerOn.slice(0, headerOn.search(/\r?\n|$/)).replace(/"[^"]*"/g, '')
  const counts = ([',', ';', '\t'] as const).map((d) => [d, firstLine.split(d).length - 1] as const)
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0]
}

/**
 * Text parsed per step: a step's rows are parsed only when the reader reaches them. A quarter of a
 * megabyte (about 8,000 deal rows) keeps each step to milliseconds, so other requests are answered
 * between steps while a large file is read.
 */
const SLICE_CHARS = 1 << 18

const QUOTE = '"'
const LF = 0x0a
const CR = 0x0d

function countChar(text: string, char: string, from: number, to: number): number {
  let n = 0
  for (let i = text.indexOf(char, from); i !== -1 && i < to; i = text.indexOf(char, i + 1)) n++
  return n
}

/** Line breaks (LF, CR LF or a lone CR) in bytes [from, to). */
function lineBreaks(bytes: Buffer, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const b = bytes[i]
    if (b === LF || (b === CR && bytes[i + 1] !== LF)) n++
  }
  return n
}

/**
 * Where the first record ending at or after `target` ends: just past a line feed outside quotes.
 * Quotes inside a quoted field are doubled, so a line feed is outside quotes exactly when an even
 * number of quotes precedes it since `start`, the beginning of a record.
 */
function recordEnd(text: string, start: number, target: number): number {
  let quotes = countChar(text, QUOTE, start, target)
  for (let at = target; ;) {
    const newline = text.indexOf('\n', at)
    if (newline === -1) return text.length
    quotes += countChar(text, QUOTE, at, newline)
    if (quotes % 2 === 0) return newline + 1
    at = newline + 1
  }
}

/**
 * Records of text with neither quotes nor carriage returns, as csv-parse reads them with the
 * options below (every line a record, fields split at the delimiter, empty lines skipped), at a
 * tenth of its cost: most CRM exports are such text, and a million-row file is read in well under
 * a second.
 */
function splitPlainRecords(text: string, delimiter: Delimiter, linesBefore: number) {
  const rows: CsvRow[] = []
  let line = linesBefore
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start)
    const end = newline === -1 ? text.length : newline
    line++
    if (end > start) rows.push({ line, values: text.slice(start, end).split(delimiter) })
    start = end + 1
  }
  return { rows, lines: linesBefore + countChar(text, '\n', 0, text.length) }
}

/**
 * Parses whole records of a file, `linesBefore` lines into it. Line numbers are counted here from
 * the bytes each record used (csv-parse's own count takes a CR LF inside quotes for two lines).
 */
function parseRecords(
  text: string,
  delimiter: Delimiter,
  linesBefore: number,
): { rows: CsvRow[]; lines: number } {
  if (!text.includes(QUOTE) && !text.includes('\r')) return splitPlainRecords(text, delimiter, linesBefore)
  const bytes = Buffer.from(text)
  let records: { record: string[]; info: { bytes: number; lines: number } }[]
  try {
    records = parse(bytes, {
      delimiter,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: false,
    }) as unknown as typeof records
  } catch (err) {
    const relative = (err as { lines?: number }).lines
    const line = relative ? linesBefore + relative : undefined
    const message = line
      ? (err as Error).message.replace(/\bline \d+/g, `line ${line}`)
      : (err as Error).message
    throw new ApiError(
      400,
      'invalid_input',
      `The CSV cannot be read${line ? ` at line ${line}` : ''}: ${message}`,
      [{ path: line ? `line ${line}` : 'body', message }],
    )
  }
  const rows: CsvRow[] = []
  let counted = 0
  let lines = linesBefore
  for (const { record, info } of records) {
    lines += lineBreaks(bytes, counted, info.bytes)
    counted = info.bytes
    // A record the file ends without a line break is on the line after the last break.
    const unterminated =
      info.bytes >= bytes.length && bytes[bytes.length - 1] !== LF && bytes[bytes.length - 1] !== CR
    rows.push({ line: lines + (unterminated ? 1 : 0), values: record })
  }
  return { rows, lines: linesBefore + lineBreaks(bytes, 0, bytes.length) }
}

/**
 * Opens a spreadsheet export: UTF-8 with or without BOM, comma, semicolon or tab separated,
 * quoted fields with doubled quotes inside, CRLF or LF line ends, blank lines skipped. The text may
 * arrive in pieces (a request body as it streams in): the header is read first, then the data rows
 * about `sliceChars` characters at a time as they are iterated, a record split between pieces
 * waiting for the rest. Memory stays within a few slices whatever the size of the file, and a
 * file of a million deals is being parsed while its first rows are written.
 */
export async function openCsv(
  source: string | AsyncIterable<string>,
  sliceChars = SLICE_CHARS,
): Promise<CsvReader> {
  const pieces = (typeof source === 'string' ? oneString(source) : source)[Symbol.asyncIterator]()
  let buffer = ''
  let ended = false
  let started = false
  /** Reads pieces until the buffer holds `size` characters or the text has ended. */
  const fill = async (size: number) => {
    while (!ended && buffer.length < size) {
      const next = await pieces.next()
      if (next.done) ended = true
      else if (started) buffer += next.value
      else {
        buffer += next.value.replace(/^\uFEFF/, '')
        started = buffer.length > 0
      }
    }
  }
  /** Takes the whole records that end at or after `target` characters: '' once the text is done. */
  const take = async (target: number) => {
    for (let want = Math.max(target, 1); ; want *= 2) {
      await fill(want)
      const end = recordEnd(buffer, 0, Math.min(buffer.length, target))
      if (end < buffer.length || ended) {
        const text = buffer.slice(0, end)
        buffer = buffer.slice(end)
        return text
      }
    }
  }
  let lines = 0
  let header: string[] | undefined
  let delimiter: Delimiter = ','
  while (!header) {
    const record = await take(0)
    if (record === '') break
    if (record.trim() !== '') delimiter = detectDelimiter(record)
    const parsed = parseRecords(record, delimiter, lines)
    header = parsed.rows[0]?.values.map((h) => h.trim())
    lines = parsed.lines
  }
  if (!header)
    throw new ApiError(400, 'invalid_input', 'The CSV is empty', [
      { path: 'body', message: 'no header line' },
    ])
  const [dataLines, chosen] = [lines, delimiter]
  async function* rows(): AsyncGenerator<CsvRow[]> {
    let linesBefore = dataLines
    for (let text = await take(sliceChars); text !== ''; text = await take(sliceChars)) {
      const parsed = parseRecords(text, chosen, linesBefore)
      linesBefore = parsed.lines
      if (parsed.rows.length) yield parsed.rows
    }
  }
  return { delimiter, header, rows: { [Symbol.asyncIterator]: rows } }
}

async function* oneString(text: string) {
  yield text
}

/** Numbers as spreadsheets write them: "1234.5", "1 234,50", "1234,5" (decimal comma), "" for none. */
export function parseDecimal(raw: string): number | null | typeof NaN {
  const s = raw.replace(/[\s\u00a0\u202f]/g, '')
  if (s === '') return null
  const normalised = /^-?\d+(,\d+)?$/.test(s) ? s.replace(',', '.') : s
  return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(normalised) ? Number(normalised) : Number.NaN
}

const TRUE = new Set(['1', 'true', 't', 'yes', 'y', 'да', 'д', 'истина'])
const FALSE = new Set(['0', 'false', 'f', 'no', 'n', 'нет', 'н', 'ложь'])

/** Booleans in English or Russian, as CRMs export them. */
export function parseBoolean(raw: string): boolean | undefined {
  const s = raw.trim().toLowerCase()
  return TRUE.has(s) ? true : FALSE.has(s) ? false : undefined
}

/**
 * Dates as ISO ("2026-11-22", "2026-11-22T10:00:00Z") or Russian ("22.11.2026", "22.11.2026 10:00"),
 * into ISO. A date stays a date (a whole day) and a time without an offset stays one (the
 * workspace's wall clock): neither is pinned to UTC here.
 */
export function normaliseDate(raw: string): string {
  const s = raw.trim()
  const ru = s.match(/^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/)
  if (!ru) return s
  const [, d, m, y, hh, mm, ss = '00'] = ru
  const day = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`
  return hh === undefined ? day : `${day}T${hh.padStart(2, '0')}:${mm}:${ss}`
}

/**
 * Text a spreadsheet would run as a formula when the file is opened (OWASP, "CSV Injection"): it
 * starts with = + - @, a tab or a carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One CSV cell (RFC 4180), the only writer of CSV output. Text that a spreadsheet would read as a
 * formula gets a leading single quote and is quoted, so it shows as the text it is; the stored
 * value is unchanged. Numbers are written as numbers, negative ones included.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value)
  const s =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value)
  if (FORMULA_START.test(s)) return `"'${s.replace(/"/g, '""')}"`
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}
