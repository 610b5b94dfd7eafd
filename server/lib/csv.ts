import { parse } from 'csv-parse/sync'
import { ApiError } from '../errors.ts'

export interface CsvTable {
  delimiter: ',' | ';' | '\t'
  header: string[]
  /** Data rows with their line number in the file (the header is line 1). */
  rows: { line: number; values: string[] }[]
}

/** The delimiter is whichever of ; , or tab occurs most in the header line (the first that is not blank) outside quotes. */
function detectDelimiter(text: string): CsvTable['delimiter'] {
  const headerOn = text.replace(/^(?:[ \t]*\r?\n)+/, '')
  const firstLine = headerOn.slice(0, headerOn.search(/\r?\n|$/)).replace(/"[^"]*"/g, '')
  const counts = ([',', ';', '\t'] as const).map((d) => [d, firstLine.split(d).length - 1] as const)
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0]
}

/**
 * Parses a spreadsheet export: UTF-8 with or without BOM, comma, semicolon or tab separated,
 * quoted fields with doubled quotes inside, CRLF or LF line ends, blank lines skipped.
 */
export function parseCsv(text: string): CsvTable {
  const body = text.replace(/^\uFEFF/, '')
  if (body.trim() === '') throw new ApiError(400, 'invalid_input', 'The CSV is empty', [{ path: 'body', message: 'no header line' }])
  const delimiter = detectDelimiter(body)
  let records: { record: string[]; info: { lines: number } }[]
  try {
    records = parse(body, { delimiter, info: true, skip_empty_lines: true, relax_column_count: true, trim: false }) as unknown as typeof records
  } catch (err) {
    const line = (err as { lines?: number }).lines
    throw new ApiError(400, 'invalid_input', `The CSV cannot be read${line ? ` at line ${line}` : ''}: ${(err as Error).message}`, [
      { path: line ? `line ${line}` : 'body', message: (err as Error).message },
    ])
  }
  const [header, ...rest] = records
  return {
    delimiter,
    header: header!.record.map((h) => h.trim()),
    rows: rest.map((r) => ({ line: r.info.lines, values: r.record })),
  }
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

/** Dates as ISO ("2026-11-22", "2026-11-22T10:00:00Z") or Russian ("22.11.2026", "22.11.2026 10:00"). */
export function normaliseDate(raw: string): string {
  const s = raw.trim()
  const ru = s.match(/^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/)
  if (!ru) return s
  const [, d, m, y, hh = '00', mm = '00', ss = '00'] = ru
  return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}T${hh.padStart(2, '0')}:${mm}:${ss}Z`
}

/** Quotes a value for CSV output (RFC 4180). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  const s = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value)
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}
