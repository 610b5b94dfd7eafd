import { describe, expect, it } from 'vitest'
import { detectDelimiter, guessColumn, parseRecords, previewCsv } from '../../web/src/lib/csv.ts'

describe('previewCsv', () => {
  it('reads the header and the first rows with their line numbers', () => {
    const preview = previewCsv('customerKey,stratum\r\nC-1,Moscow\r\n\r\nC-2,Kazan\r\nC-3,Tula\r\n', 2)
    expect(preview).toEqual({
      delimiter: ',',
      header: ['customerKey', 'stratum'],
      rows: [
        { line: 2, values: ['C-1', 'Moscow'] },
        { line: 4, values: ['C-2', 'Kazan'] },
      ],
      total: 3,
    })
  })

  it('takes semicolons when a spreadsheet wrote them, and drops the BOM', () => {
    const preview = previewCsv('\uFEFFКлиент;Дата;Сумма\nA;22.11.2026;"1 250,50"\n')
    expect(preview?.delimiter).toBe(';')
    expect(preview?.header).toEqual(['Клиент', 'Дата', 'Сумма'])
    expect(preview?.rows[0]?.values).toEqual(['A', '22.11.2026', '1 250,50'])
  })

  it('keeps quoted delimiters, doubled quotes and line breaks inside a field', () => {
    const records = parseRecords('a,b\n"x, ""y""","two\nlines"\nlast,row', ',')
    expect(records).toEqual([
      { line: 1, values: ['a', 'b'] },
      { line: 2, values: ['x, "y"', 'two\nlines'] },
      { line: 4, values: ['last', 'row'] },
    ])
  })

  it('answers null for an empty file', () => {
    expect(previewCsv('  \n')).toBeNull()
  })
})

describe('detectDelimiter', () => {
  it('counts only outside quotes', () => {
    expect(detectDelimiter('"a;b;c",d\n')).toBe(',')
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t')
  })
})

describe('guessColumn', () => {
  it('matches usual names ignoring case, spaces and underscores', () => {
    expect(guessColumn(['Deal ID', 'Customer_Key', 'Closed'], ['customerKey', 'customer'])).toBe(
      'Customer_Key',
    )
    expect(guessColumn(['a', 'b'], ['customerKey'])).toBeNull()
  })
})
