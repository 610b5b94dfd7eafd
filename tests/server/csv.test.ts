import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { openCsv } from '../../server/lib/csv.ts'

const parseCsv = (text: string) => {
  const csv = openCsv(text)
  return { ...csv, rows: [...csv.rows] }
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
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(cell, { minLength: 3, maxLength: 3 }), fc.boolean()), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        (rows, eol, finalBreak, sliceChars) => {
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
          const csv = openCsv(text, sliceChars)
          expect(csv.header).toEqual(['a', 'b', 'c'])
          const read = [...csv.rows]
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

  it('finds the header, and its delimiter, after a BOM and blank lines; reads a file without a final line break', () => {
    const csv = parseCsv('\uFEFF\n\nexternalId;closedAt\nD-1;22.11.2026\nD-2;"23.11.2026"')
    expect(csv.delimiter).toBe(';')
    expect(csv.header).toEqual(['externalId', 'closedAt'])
    expect(csv.rows).toEqual([
      { line: 4, values: ['D-1', '22.11.2026'] },
      { line: 5, values: ['D-2', '23.11.2026'] },
    ])
  })

  it('names the line of a syntax error counted from the top of the file, in a later slice too', () => {
    const text = 'a,b\n' + Array.from({ length: 50 }, (_, i) => `x${i},y`).join('\n') + '\nbad,"unclosed\n'
    expect(() => [...openCsv(text, 32).rows]).toThrowError(/line 52/)
    expect(() => parseCsv(text)).toThrowError(/line 52/)
  })
})
