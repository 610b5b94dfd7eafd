import { formatSoak, soak } from '../tests/soak/soak.ts'
import { startServer } from '../tests/helpers/server-process.ts'

// npm run soak -- [seconds] [rate]: starts the server (on DATABASE_URL, or PGlite in a fresh
// folder), sends mixed traffic on loopback for the given time (default 60 s at 40 requests/s),
// prints latencies, errors and memory, and stops by itself.
const seconds = Number(process.argv[2] ?? 60)
const rate = Number(process.argv[3] ?? 40)
const dataDir = `/tmp/cxw-soak-${process.pid}`
const server = await startServer({ DEMO: '1', ...(process.env.DATABASE_URL ? {} : { DATA_DIR: dataDir }) })
try {
  const report = await soak(server.url, server.child.pid!, { seconds, rate })
  console.log(formatSoak(report))
  for (const e of report.errors.slice(0, 10)) console.log(`  error ${e.status} ${e.path}: ${e.body}`)
  process.exitCode = report.errors.length ? 1 : 0
} finally {
  await server.kill()
}
