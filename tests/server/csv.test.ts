import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../server/lib/csv.ts'

describe('reading a CSV file on the server', () => {
  it('finds the header, and its delimiter, after a BOM and blank lines; reads a file without a final line break', () => {
    const csv = parseCsv('\uFEFF\n\nexternalId;closedAt\nD-1;22.11.2026\nD-2;"23.11.2026"')
    expect(csv.delimiter).toBe(';')
    expect(csv.header).toEqual(['externalId', 'closedAt'])
    expect(csv.rows).toEqual([{ line: 4, values: ['D-1', '22.11.2026'] }, { line: 5, values: ['D-2', '23.11.2026'] }])
  })

  it('names the line of a syntax error', () => {
    const text = 'a,b\n' + Array.from({ length: 50 }, (_, i) => `x${i},y`).join('\n') + '\nbad,"unclosed\n'
    expect(() => parseCsv(text)).toThrowError(/line 52/)
  })
})
