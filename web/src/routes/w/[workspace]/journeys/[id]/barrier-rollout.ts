import type { Barrier, WorkspaceApi } from '$lib/api'

/** What addressed a barrier: the rolled-out test and the decision that rolled it out (as the client reads them). */
export interface Rollout {
  test: Awaited<ReturnType<WorkspaceApi['tests']['get']>>
  decision: Awaited<ReturnType<WorkspaceApi['tests']['decision']>>
}

const found = new Map<string, Promise<Rollout | null>>()

/**
 * The latest roll-out among the barrier's tests (`links.tests`): each decided test's latest
 * decision is read, and the newest with the verdict `roll_out` wins. Remembered per barrier and
 * its tests, since the map and the barrier's detail both ask.
 */
export function findRollout(ws: WorkspaceApi, barrier: Barrier): Promise<Rollout | null> {
  const key = `${ws.slug}/${barrier.id}/${barrier.links.tests.join(',')}/${barrier.links.decisions.join(',')}`
  let pending = found.get(key)
  if (!pending) {
    pending = Promise.all(
      barrier.links.tests.map(async (id) => {
        const test = await ws.tests.get(id)
        if (test.status !== 'decided') return null
        const decision = await ws.tests.decision(id)
        return decision.verdict === 'roll_out' ? { test, decision } : null
      }),
    ).then((rollouts) =>
      rollouts
        .filter((rollout): rollout is Rollout => rollout !== null)
        .reduce<Rollout | null>(
          (latest, rollout) =>
            !latest || rollout.decision.decidedAt > latest.decision.decidedAt ? rollout : latest,
          null,
        ),
    )
    // A failed read is not remembered: the next look asks again.
    pending.catch(() => found.delete(key))
    found.set(key, pending)
  }
  return pending
}
