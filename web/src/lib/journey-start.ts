// What a new journey map starts with: nothing, the car-sales template, or the stages of another map.
// The API creates an empty map; the stages are then added one by one, in order.

import type { JourneyMap, WorkspaceApi } from '$lib/api'

export { CAR_SALES_STAGES } from './car-sales-template.ts'

export type JourneyStart = { kind: 'empty' } | { kind: 'template' } | { kind: 'copy'; journeyId: number }

/** Adds the template's stages (by their translated names) to a new map. */
export async function addTemplateStages(ws: WorkspaceApi, journeyId: number, names: readonly string[]) {
  for (const name of names) await ws.stages.create({ journeyId, name })
}

/** Adds another map's stages, with their text and touchpoints, to a new map. Barriers stay with their map. */
export async function copyStages(ws: WorkspaceApi, journeyId: number, source: JourneyMap) {
  for (const stage of source.stages) {
    const created = await ws.stages.create({
      journeyId,
      name: stage.name,
      customerGoals: stage.customerGoals,
      customerThoughts: stage.customerThoughts,
      customerActions: stage.customerActions,
      brandGoals: stage.brandGoals,
      externalExperience: stage.externalExperience,
    })
    for (const touchpoint of stage.touchpoints)
      await ws.touchpoints.create({
        stageId: created.id,
        channel: touchpoint.channel,
        description: touchpoint.description,
      })
  }
}
