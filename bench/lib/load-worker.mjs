// The load generator, in its own thread so it does not share the event loop with the server
// under test: `connections` loops, each with one keep-alive socket, each sending its next request
// as soon as the previous answer is read (closed loop, like autocannon), for `durationMs`.
import { existsSync, readFileSync } from 'node:fs'
import http from 'node:http'
import { parentPort, workerData } from 'node:worker_threads'

const { url, method, path, headers, durationMs, connections, bodyKind, keyPrefix } = workerData
const target = new URL(url)
const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections })

function bodyFor(conn, i) {
  if (bodyKind === 'assign') return JSON.stringify({ customerKey: `${keyPrefix}-${conn}-${i}` })
  return undefined
}

function once(conn, i) {
  return new Promise((resolve) => {
    const body = bodyFor(conn, i)
    const started = performance.now()
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method,
        path,
        headers: {
          ...headers,
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        res.resume()
        res.on('end', () =>
          resolve({
            ok: res.statusCode >= 200 && res.statusCode < 300,
            status: res.statusCode,
            ms: performance.now() - started,
          }),
        )
      },
    )
    req.on('error', (err) =>
      resolve({ ok: false, status: String(err.code ?? err.message), ms: performance.now() - started }),
    )
    if (body) req.write(body)
    req.end()
  })
}

// This thread's own CPU seconds, so the server's share of the process can be told apart.
const threadSeconds = () => {
  if (!existsSync('/proc/thread-self/stat')) return null
  const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}
const cpuAtStart = threadSeconds()
const latencies = []
const statuses = {}
let ok = 0
let failed = 0
const started = performance.now()
const deadline = started + durationMs
await Promise.all(
  Array.from({ length: connections }, async (_, conn) => {
    for (let i = 0; performance.now() < deadline; i++) {
      const r = await once(conn, i)
      if (r.ok) {
        ok++
        latencies.push(r.ms)
      } else {
        failed++
        statuses[r.status] = (statuses[r.status] ?? 0) + 1
      }
    }
  }),
)
const elapsed = performance.now() - started
agent.destroy()
latencies.sort((a, b) => a - b)
const pct = (q) =>
  latencies.length
    ? latencies[Math.min(latencies.length, Math.max(1, Math.ceil(q * latencies.length))) - 1]
    : NaN
const cpuAtEnd = threadSeconds()
parentPort.postMessage({
  generatorSeconds: cpuAtStart === null ? null : cpuAtEnd - cpuAtStart,
  ok,
  failed,
  statuses,
  elapsedMs: elapsed,
  rps: ok / (elapsed / 1000),
  p50: pct(0.5),
  p90: pct(0.9),
  p99: pct(0.99),
  max: latencies.at(-1) ?? NaN,
})
