// Reading a CSV in the browser, only as far as the import screens need: the header (to map its
// columns) and the first rows (to preview them). The server parses the whole file again and is
// the judge of every row; the rules here follow server/lib/csv.ts so the preview matches.

export interface CsvPreview {
  delimiter: ',' | ';' | '\t'
  header: string[]
  /** The first data rows, each with its line in the file (the header is line 1). */
  rows: { line: number; values: string[] }[]
  /** Data rows in the file (lines that are not blank). */
  total: number
}

/** Whichever of ; , or tab occurs most in the header line outside quotes. */
export function detectDelimiter(text: string): CsvPreview['delimiter'] {
  const end = text.search(/\r?\n/)
  const firstLine = (end < 0 ? text : text.slice(0, end)).replace(/"[^"]*"/g, '')
  const counts = ([',', ';', '\t'] as const).map((d) => [d, firstLine.split(d).length - 1] as const)
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0]
}

/**
 * Splits CSV text into records (RFC 4180: quoted fields, doubled quotes, CRLF or LF), skipping
 * blank lines; each record carries the line it starts on.
 */
export function parseRecords(text: string, delimiter: string): { line: number; values: string[] }[] {
  const body = text.replace(/^\uFEFF/, '')
  const records: { line: number; values: string[] }[] = []
  let values: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let start = 1
  let touched = false
  const endRecord = () => {
    values.push(field)
    if (touched || values.length > 1 || field !== '') records.push({ line: start, values })
    values = []
    field = ''
    touched = false
  }
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else {
        if (ch === '\n') line++
        field += ch
      }
      continue
    }
    if (ch === '"') {
      quoted = true
      touched = true
    } else if (ch === delimiter) {
      values.push(field)
      field = ''
      touched = true
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i++
      endRecord()
      line++
      start = line
    } else field += ch
  }
  if (field !== '' || values.length > 0 || touched) endRecord()
  return records
}

/** The header and the first `limit` rows of a CSV file. */
export function previewCsv(text: string, limit = 5): CsvPreview | null {
  const body = text.replace(/^\uFEFF/, '')
  if (body.trim() === '') return null
  const delimiter = detectDelimiter(body)
  const [header, ...rows] = parseRecords(body, delimiter)
  if (!header) return null
  return {
    delimiter,
    header: header.values.map((h) => h.trim()),
    rows: rows.slice(0, limit),
    total: rows.length,
  }
}

/**
 * The column to propose for a field: a header equal to the field's name or to one of its usual
 * names, ignoring case, spaces and punctuation ("Customer key", "customer_key", "Клиент").
 */
export function guessColumn(header: readonly string[], names: readonly string[]): string | null {
  const squash = (s: string) => s.toLowerCase().replace(/[\s_\-.]/g, '')
  const wanted = names.map(squash)
  return header.find((h) => wanted.includes(squash(h))) ?? null
}
