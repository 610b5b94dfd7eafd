import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { openCsv, type CsvRow } from '../../server/lib/csv.ts'

/** Every row of a reader, its slices joined. */
async function allRows(rows: AsyncIterable<CsvRow[]>) {
  const all: CsvRow[] = []
  for await (const slice of rows) all.push(...slice)
  return all
}

const parseCsv = async (text: string | AsyncIterable<string>, sliceChars?: number) => {
  const csv = await openCsv(text, sliceChars)
  return { ...csv, rows: await allRows(csv.rows) }
}

/** The text in pieces cut at the given places, as a request body arrives. */
async function* inPieces(text: string, cuts: number[]) {
  let at = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const end = Math.min(text.length, cut)
    if (end > at) yield text.slice(at, end)
    at = Math.max(at, end)
  }
  yield text.slice(at)
}

const cell = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom(
    '',
    'a,b',
    'a;b',
    'say "hi"',
    'two\nlines',
    'three\nshort\nlines',
    'cr lf\r\ninside',
    '""',
    '"',
    'Москва',
    ' padded ',
  ),
)
const quote = (v: string) => (/[",;\r\n]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v)

describe('reading a CSV file a slice at a time', () => {
  it('gives the rows csv-parse gives for the whole file, each on the line where it ends, wherever the slices fall', () => {
    return fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(cell, { minLength: 3, maxLength: 3 }), fc.boolean()), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.nat({ max: 400 }), { maxLength: 6 }),
        async (rows, eol, finalBreak, sliceChars, cuts) => {
          // The file, and the line each record ends on, counted as an editor shows them.
          let text = `a,b,c${eol}`
          let line = 1
          const expected: { line: number; values: string[] }[] = []
          rows.forEach(([values, blankBefore], i) => {
            if (blankBefore) {
              text += eol
              line++
            }
            text += values.map(quote).join(',')
            line += 1 + values.join('').split(/\r\n|\n/).length - 1
            expected.push({ line, values })
            if (i < rows.length - 1 || finalBreak) text += eol
          })
          const csv = await parseCsv(inPieces(text, cuts), sliceChars)
          expect(csv.header).toEqual(['a', 'b', 'c'])
          const read = csv.rows
          expect(read).toEqual(expected)
          const whole = parse(text, {
            delimiter: ',',
            skip_empty_lines: true,
            relax_column_count: true,
          }) as string[][]
          expect(read.map((r) => r.values)).toEqual(whole.slice(1))
        },
      ),
      { numRuns: 400 },
    )
  })

  it('reads text without quotes or carriage returns exactly as csv-parse does, empty cells and blank lines included', async () => {
    const plain = fc.string({
      unit: fc.constantFrom('a', 'b', ' ', ';', '\t', 'я', '1', '.', '-'),
      maxLength: 5,
    })
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.array(plain, { minLength: 1, maxLength: 4 }), fc.constant([] as string[])), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 5 }),
        async (records, finalBreak, sliceChars, cuts) => {
          const text = 'x,y,z\n' + records.map((r) => r.join(',')).join('\n') + (finalBreak ? '\n' : '')
          const whole = parse(text, { delimiter: ',', skip_empty_lines: true, relax_column_count: true })
          const csv = await parseCsv(inPieces(text, cuts), sliceChars)
          expect(csv.rows.map((r) => r.values)).toEqual(whole.slice(1))
          // each record on its own line: the header is line 1
          const lines = records.flatMap((r, i) => (r.length && r.join(',') !== '' ? [i + 2] : []))
          expect(csv.rows.map((r) => r.line)).toEqual(lines)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('finds the header, and its delimiter, after a BOM and blank lines; reads a file without a final line break', async () => {
    const csv = await parseCsv('\uFEFF\n\nexternalId;closedAt\nD-1;22.11.2026\nD-2;"23.11.2026"')
    expect(csv.delimiter).toBe(';')
    expect(csv.header).toEqual(['externalId', 'closedAt'])
    expect(csv.rows).toEqual([
      { line: 4, values: ['D-1', '22.11.2026'] },
      { line: 5, values: ['D-2', '23.11.2026'] },
    ])
  })

  it('names the line of a syntax error counted from the top of the file, in a later slice too', async () => {
    const text = 'a,b\n' + Array.from({ length: 50 }, (_, i) => `x${i},y`).join('\n') + '\nbad,"unclosed\n'
    await expect(parseCsv(text, 32)).rejects.toThrowError(/line 52/)
    await expect(parseCsv(text)).rejects.toThrowError(/line 52/)
    await expect(parseCsv(inPieces(text, [5, 17, 200]), 32)).rejects.toThrowError(/line 52/)
  })
})
