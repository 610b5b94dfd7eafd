import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { openDatabase } from '../db/connection.ts'
import { watchDatabase } from '../db/health.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from './demo/seed.ts'
import { createApp } from './app.ts'
import { sweepTests } from './services/test-lifecycle.ts'
import { createWebhookDispatcher } from './services/webhooks.ts'
import { readConfig } from './config.ts'
import { serveWeb, webBuildIsStale } from './web.ts'

// postgres.js 3.4 can run a scheduled socket write after the connection closed under it (the
// server went away mid-query), throwing from a timer where no caller can catch it. The connection
// is already closed and the pool recovers; only that exact throw is ignored, anything else still
// stops the process.
process.on('uncaughtException', (err) => {
  const strayWrite =
    err instanceof TypeError &&
    /reading 'write'/.test(err.message) &&
    /postgres[\\/]src[\\/]connection\.js/.test(err.stack ?? '')
  if (!strayWrite) {
    console.error(err)
    process.exit(1)
  }
  console.warn('A connection to PostgreSQL closed during a write; it will reconnect.')
})

async function main() {
  let config
  try {
    config = readConfig()
  } catch (err) {
    console.error((err as Error).message)
    process.exit(1)
  }

  if (config.serveWeb && (await webBuildIsStale())) {
    console.log('Building the web app (its build is missing or older than its sources)…')
    const built = spawnSync('npm', ['run', 'build:web', '--silent'], { stdio: 'inherit' })
    if (built.status !== 0) {
      console.error('The web app failed to build')
      process.exit(1)
    }
  }

  if (config.database.kind === 'embedded') mkdirSync(config.database.dataDir, { recursive: true })
  const database = openDatabase(config.database)
  const applied = await migrateToLatest(database.db)
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`)
  if (config.demo) {
    const seeded = await seedDemo(database.db)
    if (seeded) console.log('Seeded the demo workspaces "demo" (English) and "demo-ru" (Russian).')
    console.log(`Demo sign-ins (password "${DEMO_PASSWORD}"): ${DEMO_USERS.map((u) => u.email).join(', ')}`)
  }

  const databaseHealth = config.database.kind === 'server' ? watchDatabase(config.database.url) : undefined
  databaseHealth?.start()
  const clock = () => new Date()
  const webhooks = createWebhookDispatcher({ db: database.db, clock })
  webhooks.start(5_000)
  // Tests also complete by time: a sweep once a minute finds those whose maximum duration passed.
  const sweep = setInterval(() => {
    sweepTests(database.db, clock())
      .then((completed) => completed > 0 && webhooks.kick())
      .catch((err) => console.error('sweep of due tests failed', err))
  }, 60_000)
  sweep.unref()

  const app = createApp(
    {
      db: database.db,
      clock,
      sessionTtlHours: config.sessionTtlHours,
      webhooks,
      ...(databaseHealth ? { databaseHealth } : {}),
    },
    { logRequests: config.logRequests, ...(config.serveWeb ? { serveWeb } : {}) },
  )
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const where =
      config.database.kind === 'server'
        ? 'PostgreSQL server'
        : `embedded PGlite in ${config.database.dataDir}`
    console.log(`CX workbench on http://localhost:${info.port} (${where})`)
  })

  const stop = async () => {
    clearInterval(sweep)
    databaseHealth?.stop()
    server.close()
    await webhooks.stop()
    await database.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

await main()
