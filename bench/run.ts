// npm run bench [-- --pglite] [-- --full] [-- --only=assignment,results] [-- --round-seconds=10] [-- --csv-rows=1000000] [-- --no-build]
// Generates its own data in databases of its own, runs each figure in rounds and prints medians
// beside their ceilings; writes bench/results.json. See bench/README-section.md.
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { assignmentFigure } from './figures/assignment.ts'
import { hostileCsvFigure } from './figures/hostile-csv.ts'
import { ingestionFigure } from './figures/ingestion.ts'
import { resultsFigure } from './figures/results.ts'
import { startupFigure } from './figures/startup.ts'
import { statisticsFigure } from './figures/statistics.ts'
import { webBundleFigure } from './figures/web.ts'
import type { BenchContext } from './lib/context.ts'
import { BenchDatabases } from './lib/database.ts'
import { printTable, Report } from './lib/report.ts'

const FIGURES = ['ingestion', 'hostile-csv', 'assignment', 'results', 'statistics', 'web', 'startup'] as const
type Figure = (typeof FIGURES)[number]

function parseArgs(argv: string[]) {
  const flag = (name: string) => argv.includes(`--${name}`)
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
  const only = value('only')?.split(',') as Figure[] | undefined
  for (const f of only ?? [])
    if (!FIGURES.includes(f)) throw new Error(`--only: unknown figure ${f} (${FIGURES.join(', ')})`)
  return {
    pglite: flag('pglite'),
    full: flag('full'),
    only: only ?? [...FIGURES],
    roundSeconds: Number(value('round-seconds') ?? 10),
    csvRows: Number(value('csv-rows') ?? 1_000_000),
    buildWeb: !flag('no-build'),
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const kind = args.pglite ? 'embedded' : 'server'
  const dbs = new BenchDatabases(kind)
  const report = new Report()
  const started = Date.now()
  const ctx: BenchContext = {
    kind,
    target: args.pglite ? 'pglite' : 'server',
    dbs,
    report,
    full: args.full,
    csvRows: args.csvRows,
    roundSeconds: args.roundSeconds,
    buildWeb: args.buildWeb,
    log: (m) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`),
  }
  const cleanUp = async () => {
    await dbs.closeAll().catch((err) => console.error('dropping the bench databases failed', err))
  }
  process.once('SIGINT', () => {
    void cleanUp().finally(() => process.exit(130))
  })

  console.log(
    `Bench on ${ctx.target}${kind === 'server' ? ` (${new URL(dbs.adminUrl).host}, databases ${dbs.prefix}_*)` : ''}: ${args.only.join(', ')}${args.full ? ', with 10M deals' : ''}`,
  )
  const run: Record<Figure, () => Promise<void>> = {
    ingestion: () => ingestionFigure(ctx),
    'hostile-csv': () => hostileCsvFigure(ctx),
    assignment: () => assignmentFigure(ctx),
    results: () => resultsFigure(ctx),
    statistics: () => statisticsFigure(ctx),
    web: () => webBundleFigure(ctx),
    startup: () => startupFigure(ctx),
  }
  const failures: string[] = []
  try {
    for (const figure of FIGURES.filter((f) => args.only.includes(f))) {
      ctx.log(`${figure}…`)
      try {
        await run[figure]()
      } catch (err) {
        failures.push(`${figure}: ${(err as Error).message}`)
        console.error(`  ${figure} failed:`, err)
      }
    }
  } finally {
    await cleanUp()
  }
  printTable(report.rows)
  if (failures.length) console.log(`\nFailed figures:\n  ${failures.join('\n  ')}`)
  const file = new URL('./results.json', import.meta.url)
  writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        target: ctx.target,
        args,
        loadAverage: { atEnd: os.loadavg() },
        machine: {
          cpus: os.cpus().length,
          cpu: os.cpus()[0]?.model,
          memoryGb: Math.round(os.totalmem() / 2 ** 30),
          node: process.version,
        },
        durationSeconds: Math.round((Date.now() - started) / 1000),
        rows: report.rows,
        failures,
      },
      null,
      2,
    ) + '\n',
  )
  console.log(`\nWrote bench/results.json (${Math.round((Date.now() - started) / 1000)} s).`)
  process.exit(failures.length ? 1 : 0)
}

await main()
