import { hc, type ClientResponse } from 'hono/client'
import type { AppType } from '../../../../server/app.ts'
import { apiFetch, readResponse, request } from './client'
import type {
  AuditEntry,
  BarrierStatus,
  CreateBarrier,
  CreateCloseOut,
  CreateDecision,
  CreateHypothesis,
  CreateJourney,
  CreateRecommendation,
  CreateSegment,
  CreateStage,
  CreateTest,
  CreateTouchpoint,
  CsvCustomerMapping,
  CsvDealMapping,
  HypothesisStatus,
  Id,
  IngestResult,
  Assignment,
  Page,
  Portfolio,
  PowerInput,
  PowerResult,
  RevenueInput,
  RevenueResult,
  SampleSizeInput,
  SampleSizeResult,
  SignificanceInput,
  SignificanceResult,
  SrmInput,
  SrmResult,
  TestResults,
  UpdateBarrier,
  UpdateHypothesis,
  UpdateJourney,
  UpdateSegment,
  UpdateStage,
  UpdateTest,
  UpdateTouchpoint,
} from './types'

export { ApiError, type ApiErrorDetail } from './api-error'
export { onUnauthorized } from './client'
export * from './types'

/**
 * The typed client: paths, parameters, bodies and replies come from the server's routes
 * (`AppType`, a type only — no server code is bundled). Every call goes through `apiFetch` and
 * `readResponse`, so there is one error path for the whole app.
 */
const rpc = hc<AppType>('/', { fetch: apiFetch })
const workspaces = rpc.api.workspaces[':workspace']

/** The body of a reply's success status (2xx), from the union of every status the route declares. */
type Success<R> =
  R extends ClientResponse<infer T, infer S, infer _F>
    ? S extends 200 | 201
      ? T
      : S extends 204
        ? void
        : never
    : never

/** Awaits a typed call and returns its success body, or throws the ApiError of the reply. */
async function call<R extends ClientResponse<unknown, number, 'json' | 'text' | string>>(
  pending: Promise<R>,
): Promise<Success<R>> {
  return readResponse<Success<R>>((await pending) as unknown as Response)
}

/** Fetches every page of a list (the lists we show are small: a workspace's journeys, its backlog). */
async function listAll<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined = undefined
  do {
    const page: Page<T> = await fetchPage(cursor)
    items.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return items
}

const PAGE = '100'

/** Resources of one workspace, addressed by its slug. */
function workspace(slug: string) {
  const ws = { workspace: encodeURIComponent(slug) }
  const one = (id: Id) => ({ ...ws, id: String(id) })
  const csv = (text: string) => ({
    init: { body: text },
    headers: { 'content-type': 'text/csv; charset=utf-8' },
  })
  return {
    slug,
    segments: {
      list: () =>
        listAll((cursor) => call(workspaces.segments.$get({ param: ws, query: { limit: PAGE, cursor } }))),
      get: (id: Id) => call(workspaces.segments[':id'].$get({ param: one(id) })),
      create: (body: CreateSegment) => call(workspaces.segments.$post({ param: ws, json: body })),
      update: (id: Id, body: UpdateSegment) =>
        call(workspaces.segments[':id'].$patch({ param: one(id), json: body })),
      remove: (id: Id) => call(workspaces.segments[':id'].$delete({ param: one(id) })),
    },
    journeys: {
      list: () =>
        listAll((cursor) => call(workspaces.journeys.$get({ param: ws, query: { limit: PAGE, cursor } }))),
      get: (id: Id) => call(workspaces.journeys[':id'].$get({ param: one(id) })),
      create: (body: CreateJourney) => call(workspaces.journeys.$post({ param: ws, json: body })),
      update: (id: Id, body: UpdateJourney) =>
        call(workspaces.journeys[':id'].$patch({ param: one(id), json: body })),
      remove: (id: Id) => call(workspaces.journeys[':id'].$delete({ param: one(id) })),
    },
    stages: {
      create: (body: CreateStage) => call(workspaces.stages.$post({ param: ws, json: body })),
      update: (id: Id, body: UpdateStage) =>
        call(workspaces.stages[':id'].$patch({ param: one(id), json: body })),
      /** Refused with 409 `in_use` while the stage still has barriers or recommendations. */
      remove: (id: Id) => call(workspaces.stages[':id'].$delete({ param: one(id) })),
    },
    touchpoints: {
      create: (body: CreateTouchpoint) => call(workspaces.touchpoints.$post({ param: ws, json: body })),
      update: (id: Id, body: UpdateTouchpoint) =>
        call(workspaces.touchpoints[':id'].$patch({ param: one(id), json: body })),
      remove: (id: Id) => call(workspaces.touchpoints[':id'].$delete({ param: one(id) })),
    },
    barriers: {
      list: (filter: { stage?: Id; status?: BarrierStatus } = {}) =>
        listAll((cursor) =>
          call(
            workspaces.barriers.$get({
              param: ws,
              query: { limit: PAGE, cursor, stage: filter.stage?.toString(), status: filter.status },
            }),
          ),
        ),
      get: (id: Id) => call(workspaces.barriers[':id'].$get({ param: one(id) })),
      create: (body: CreateBarrier) => call(workspaces.barriers.$post({ param: ws, json: body })),
      update: (id: Id, body: UpdateBarrier) =>
        call(workspaces.barriers[':id'].$patch({ param: one(id), json: body })),
    },
    recommendations: {
      list: () =>
        listAll((cursor) =>
          call(workspaces.recommendations.$get({ param: ws, query: { limit: PAGE, cursor } })),
        ),
      create: (body: CreateRecommendation) =>
        call(workspaces.recommendations.$post({ param: ws, json: body })),
    },
    hypotheses: {
      list: (filter: { status?: HypothesisStatus; sort?: 'id' | 'score' } = {}) =>
        listAll((cursor) =>
          call(workspaces.hypotheses.$get({ param: ws, query: { limit: PAGE, cursor, ...filter } })),
        ),
      get: (id: Id) => call(workspaces.hypotheses[':id'].$get({ param: one(id) })),
      create: (body: CreateHypothesis) => call(workspaces.hypotheses.$post({ param: ws, json: body })),
      update: (id: Id, body: UpdateHypothesis) =>
        call(workspaces.hypotheses[':id'].$patch({ param: one(id), json: body })),
    },
    tests: {
      list: () =>
        listAll((cursor) => call(workspaces.tests.$get({ param: ws, query: { limit: PAGE, cursor } }))),
      get: (id: Id) => call(workspaces.tests[':id'].$get({ param: one(id) })),
      create: (body: CreateTest) => call(workspaces.tests.$post({ param: ws, json: body })),
      update: (id: Id, body: UpdateTest) =>
        call(workspaces.tests[':id'].$patch({ param: one(id), json: body })),
      start: (id: Id) => call(workspaces.tests[':id'].start.$post({ param: one(id) })),
      pause: (id: Id) => call(workspaces.tests[':id'].pause.$post({ param: one(id) })),
      resume: (id: Id) => call(workspaces.tests[':id'].resume.$post({ param: one(id) })),
      /** Completes a test by hand before its target or its end; the reason is kept on the record. */
      complete: (id: Id, reason: string) =>
        call(workspaces.tests[':id'].complete.$post({ param: one(id), json: { reason } })),
      /** Only a draft may be deleted. */
      remove: (id: Id) => call(workspaces.tests[':id'].$delete({ param: one(id) })),
      /** Whether the hypothesis held, with what was learned; again before the decision, it replaces the last. */
      closeOut: (id: Id, body: CreateCloseOut) =>
        call(workspaces.tests[':id']['close-out'].$post({ param: one(id), json: body })),
      decide: (id: Id, body: CreateDecision) =>
        call(workspaces.tests[':id'].decision.$post({ param: one(id), json: body })),
      decision: (id: Id) => call(workspaces.tests[':id'].decision.$get({ param: one(id) })),
      decisions: (id: Id) => call(workspaces.tests[':id'].decisions.$get({ param: one(id) })),
      // The results route declares its body as a free record; its shape is written out in types.ts.
      results: (id: Id, lang: 'en' | 'ru') =>
        request<TestResults>('GET', `/workspaces/${ws.workspace}/tests/${id}/results`, { query: { lang } }),
      /** Sends a customer list; each customer's group comes back (JSON, asked for by `accept`). */
      assignCsv: async (id: Id, text: string, mapping: CsvCustomerMapping) =>
        (await call(
          workspaces.tests[':id'].assignments.csv.$post({ param: one(id), query: mapping }, csv(text)),
        )) as unknown as { items: Assignment[] },
      dealsCsv: (id: Id, text: string, mapping: CsvDealMapping) =>
        call(
          workspaces.tests[':id'].deals.csv.$post({ param: one(id), query: mapping }, csv(text)),
        ) as Promise<IngestResult>,
      /** Links to download a test's files (the session cookie authorises them). */
      assignmentsFile: (id: Id) =>
        workspaces.tests[':id'].assignments.$path({ param: one(id), query: { format: 'csv' } }),
      dealsFile: (id: Id) =>
        workspaces.tests[':id'].deals.$path({ param: one(id), query: { format: 'csv' } }),
      audit: (id: Id) =>
        listAll<AuditEntry>((cursor) =>
          call(
            workspaces.audit.$get({
              param: ws,
              query: { limit: PAGE, cursor, subjectType: 'test', subjectId: String(id) },
            }),
          ),
        ),
    },
    members: {
      list: async () => (await call(workspaces.members.$get({ param: ws }))).items,
    },
    // The portfolio route declares its body as a free record; its shape is written out in types.ts.
    portfolio: (lang: 'en' | 'ru') =>
      request<Portfolio>('GET', `/workspaces/${ws.workspace}/portfolio`, { query: { lang } }),
  }
}

/** The API, one function per endpoint the web app uses. */
export const api = {
  auth: {
    login: (email: string, password: string) => call(rpc.api.auth.login.$post({ json: { email, password } })),
    logout: () => call(rpc.api.auth.logout.$post()),
  },
  me: () => call(rpc.api.me.$get()),
  workspace,
  // The calculator routes are made by one helper with a `string` path, so their types merge into
  // one index signature; these calls stay on the untyped `request` with the types of types.ts.
  calculators: {
    significance: (body: SignificanceInput) =>
      request<SignificanceResult>('POST', '/calculators/significance', { body }),
    sampleSize: (body: SampleSizeInput) =>
      request<SampleSizeResult>('POST', '/calculators/sample-size', { body }),
    power: (body: PowerInput) => request<PowerResult>('POST', '/calculators/power', { body }),
    revenue: (body: RevenueInput) => request<RevenueResult>('POST', '/calculators/revenue', { body }),
    srm: (body: SrmInput) => request<SrmResult>('POST', '/calculators/srm', { body }),
  },
}

export type WorkspaceApi = ReturnType<typeof workspace>
