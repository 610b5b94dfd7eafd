import { request, type Query } from './client'
import type {
  Barrier,
  CreateBarrier,
  CreateDecision,
  CreateHypothesis,
  CreateRecommendation,
  CreateStage,
  Decision,
  Hypothesis,
  HypothesisStatus,
  Id,
  Journey,
  JourneyMap,
  Me,
  Page,
  PowerInput,
  PowerResult,
  Recommendation,
  RevenueInput,
  RevenueResult,
  SampleSizeInput,
  SampleSizeResult,
  Segment,
  SignificanceInput,
  SignificanceResult,
  SrmInput,
  SrmResult,
  Stage,
  Test,
  UpdateBarrier,
  UpdateHypothesis,
  UpdateStage,
  User
} from './types'

export { ApiError, type ApiErrorDetail } from './api-error'
export { onUnauthorized } from './client'
export * from './types'

export interface ListOptions {
  limit?: number
  cursor?: string | null
}

/** Fetches every page of a list (the lists we show are small: a workspace's journeys, its backlog). */
async function listAll<T>(path: string, query: Query = {}): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  do {
    const page: Page<T> = await request<Page<T>>('GET', path, { query: { ...query, limit: 100, cursor } })
    items.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return items
}

/** Resources of one workspace, addressed by its slug. */
function workspace(slug: string) {
  const base = `/workspaces/${encodeURIComponent(slug)}`
  return {
    segments: {
      list: () => listAll<Segment>(`${base}/segments`)
    },
    journeys: {
      list: () => listAll<Journey>(`${base}/journeys`),
      get: (id: Id) => request<JourneyMap>('GET', `${base}/journeys/${id}`)
    },
    stages: {
      create: (body: CreateStage) => request<Stage>('POST', `${base}/stages`, { body }),
      update: (id: Id, body: UpdateStage) => request<Stage>('PATCH', `${base}/stages/${id}`, { body })
    },
    barriers: {
      list: (filter: { stage?: Id; status?: string } = {}) => listAll<Barrier>(`${base}/barriers`, filter),
      create: (body: CreateBarrier) => request<Barrier>('POST', `${base}/barriers`, { body }),
      update: (id: Id, body: UpdateBarrier) => request<Barrier>('PATCH', `${base}/barriers/${id}`, { body })
    },
    recommendations: {
      list: () => listAll<Recommendation>(`${base}/recommendations`),
      create: (body: CreateRecommendation) => request<Recommendation>('POST', `${base}/recommendations`, { body })
    },
    hypotheses: {
      list: (filter: { status?: HypothesisStatus; sort?: 'id' | 'score' } = {}) =>
        listAll<Hypothesis>(`${base}/hypotheses`, filter),
      get: (id: Id) => request<Hypothesis>('GET', `${base}/hypotheses/${id}`),
      create: (body: CreateHypothesis) => request<Hypothesis>('POST', `${base}/hypotheses`, { body }),
      update: (id: Id, body: UpdateHypothesis) => request<Hypothesis>('PATCH', `${base}/hypotheses/${id}`, { body })
    },
    tests: {
      list: () => listAll<Test>(`${base}/tests`),
      get: (id: Id) => request<Test>('GET', `${base}/tests/${id}`),
      decide: (id: Id, body: CreateDecision) => request<Decision>('POST', `${base}/tests/${id}/decision`, { body })
    }
  }
}

/** The API, one function per endpoint the web app uses. Every request goes through `request`. */
export const api = {
  auth: {
    login: (email: string, password: string) =>
      request<{ user: User }>('POST', '/auth/login', { body: { email, password } }),
    logout: () => request<void>('POST', '/auth/logout')
  },
  me: () => request<Me>('GET', '/me'),
  workspace,
  calculators: {
    significance: (body: SignificanceInput) =>
      request<SignificanceResult>('POST', '/calculators/significance', { body }),
    sampleSize: (body: SampleSizeInput) => request<SampleSizeResult>('POST', '/calculators/sample-size', { body }),
    power: (body: PowerInput) => request<PowerResult>('POST', '/calculators/power', { body }),
    revenue: (body: RevenueInput) => request<RevenueResult>('POST', '/calculators/revenue', { body }),
    srm: (body: SrmInput) => request<SrmResult>('POST', '/calculators/srm', { body })
  }
}

export type WorkspaceApi = ReturnType<typeof workspace>
