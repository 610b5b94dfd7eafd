import { beforeEach } from 'vitest'

// Three exhaustive sweeps take 2–3 s each plain and over a minute instrumented, past their own
// timeouts; the same properties are held on random tables by the tests beside them (fast-check),
// which mutation runs keep.
const sweeps = new Set([
  'holds for the score test on every table with both arms up to 30 deals',
  'holds for the exact test on every table with both arms up to 5 deals, both alternatives',
  'rest on statistics that rise with the treatment’s conversions and fall with the control’s',
])

beforeEach(({ task, skip }) => {
  if (sweeps.has(task.name)) skip('exhaustive sweep: too slow instrumented')
})
