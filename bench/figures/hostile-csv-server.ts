// The server of the hostile-CSV figure, in a process of its own so that its memory and its
// answers to /api/health are its own, not shared with the bench that builds and sends the files.
// Opens a database of the kind BENCH_KIND names (server: a fresh copy of the migrated template;
// embedded: PGlite in memory), seeds a running test with 1,000 assigned customers, serves the real
// app, and writes one JSON line to stdout: { url, slug, apiKey, test }. Ends on SIGTERM.
import { createApp } from '../../server/app.ts'
import { BenchDatabases } from '../lib/database.ts'
import { benchWorkspace, seedAssignments } from '../lib/fixtures.ts'
import { listen } from '../lib/server.ts'

const dbs = new BenchDatabases(process.env.BENCH_KIND === 'embedded' ? 'embedded' : 'server')
const bdb = await dbs.open('hostile')
const db = bdb.database.db
const app = createApp({ db, clock: () => new Date(), sessionTtlHours: 24 })
const ws = await benchWorkspace(db, app)
const test = await ws.runningTest('Hostile CSV')
await seedAssignments(bdb, test, 1000)
const server = await listen(app.fetch)
process.stdout.write(`${JSON.stringify({ url: server.url, slug: ws.slug, apiKey: ws.apiKey, test })}\n`)

process.once('SIGTERM', async () => {
  await server.close()
  await bdb.close()
  await dbs.closeAll()
  process.exit(0)
})
