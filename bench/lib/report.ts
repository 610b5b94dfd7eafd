/** The figures of a run: each product figure beside its ceiling, their ratio and its goal. */

export type Better = 'higher' | 'lower'

export interface Row {
  figure: string
  /** e.g. 'server' or 'pglite' */
  target: string
  unit: string
  product: number | null
  ceiling?: number | null
  ceilingLabel?: string
  better: Better
  goal?: { text: string; holds: boolean | null }
  rounds?: number[]
  note?: string
}

export class Report {
  rows: Row[] = []
  add(row: Row) {
    this.rows.push(row)
    const r = row
    const ratio = ratioOf(r)
    console.log(
      `  · ${r.figure} [${r.target}]: ${fmt(r.product)} ${r.unit}` +
        (r.ceiling != null
          ? ` (ceiling ${fmt(r.ceiling)}${ratio != null ? `, ×${ratio.toFixed(2)}` : ''})`
          : '') +
        (r.goal
          ? ` goal ${r.goal.text}: ${r.goal.holds == null ? 'n/a' : r.goal.holds ? 'holds' : 'MISSED'}`
          : '') +
        (r.note ? ` — ${r.note}` : ''),
    )
  }
}

/** product ÷ ceiling for "higher is better", ceiling ÷ product for "lower": 1 is the ceiling, below 1 is slower. */
export function ratioOf(r: Row): number | null {
  if (r.product == null || r.ceiling == null || r.product === 0 || r.ceiling === 0) return null
  return r.better === 'higher' ? r.product / r.ceiling : r.ceiling / r.product
}

export function fmt(v: number | null | undefined): string {
  if (v == null || Number.isNaN(v)) return '—'
  const a = Math.abs(v)
  if (a >= 100_000) return Math.round(v).toLocaleString('en-US')
  if (a >= 100) return v.toFixed(0)
  if (a >= 10) return v.toFixed(1)
  if (a >= 1) return v.toFixed(2)
  if (a >= 0.01) return v.toFixed(3)
  return v.toPrecision(3)
}

export function printTable(rows: Row[]) {
  const header = ['figure', 'db', 'product', 'ceiling', 'ratio', 'goal', 'holds']
  const lines = rows.map((r) => {
    const ratio = ratioOf(r)
    return [
      r.figure,
      r.target,
      `${fmt(r.product)} ${r.unit}`,
      r.ceiling != null ? `${fmt(r.ceiling)} ${r.unit}` : '',
      ratio != null ? ratio.toFixed(2) : '',
      r.goal?.text ?? '',
      r.goal ? (r.goal.holds == null ? 'n/a' : r.goal.holds ? 'yes' : 'NO') : '',
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')
  console.log('\n' + line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const l of lines) console.log(line(l))
  const notes = rows.filter((r) => r.note)
  if (notes.length) {
    console.log('\nNotes:')
    for (const r of notes) console.log(`  ${r.figure} [${r.target}]: ${r.note}`)
  }
  console.log(
    '\nratio: product ÷ ceiling for rates, ceiling ÷ product for times (1 = as fast as the ceiling).',
  )
}
