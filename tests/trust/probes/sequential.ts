// Run in a child process by fuzz.test.ts: a request that may abort the process must not take the test runner down.
import { createApp } from '../../../server/app.ts'

const app = createApp({ db: {} as never, clock: () => new Date(), sessionTtlHours: 24 })
const body = process.argv[2] ?? '{}'
const started = performance.now()
const res = await app.request('/api/calculators/sequential', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
})
console.log(
  JSON.stringify({
    status: res.status,
    ms: Math.round(performance.now() - started),
    body: (await res.text()).slice(0, 300),
  }),
)
