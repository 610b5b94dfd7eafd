import type { DemoArms } from './deals.ts'
import type { BarrierKind, Channel, EvidenceSource, Locale, Severity } from '../../db/tables/index.ts'

type DemoRole = 'marketer' | 'analyst'

/** The demo workspace's content (../shared/DEMO.md), one object per language. */
export interface DemoContent {
  workspace: { slug: string; name: string; locale: Locale; time_zone: string; currency: string }
  segment: { name: string; description: string; portrait: Record<string, string> }
  journey: { name: string; description: string }
  stages: {
    name: string
    customerGoals: string
    customerThoughts: string
    customerActions: string
    brandGoals: string
    externalExperience: string
  }[]
  touchpoints: { stage: number; channel: Channel; description: string }[]
  barriers: {
    key: string
    stage: number
    title: string
    description: string
    kind: BarrierKind
    evidenceSource: EvidenceSource
    evidenceQuotes: string[]
    shareAffected: number
    severity: Severity
  }[]
  recommendations: {
    key: string
    stage: number
    barrier: string | null
    text: string
    channel: Channel | null
  }[]
  hypotheses: {
    key: string
    recommendation: string
    change: string
    expectedOutcome: string
    rationale: string
    primaryMetric: string
    baselineRate: number | null
    expectedLift: number | null
    valuePerConversion: number | null
    ice: { impact: number; confidence: number; ease: number }
    owner: DemoRole | null
    status: 'draft' | 'ready'
  }[]
  tests: {
    hypothesis: string
    name: string
    state: 'running' | 'completed' | 'decided'
    plan: { controlShare: number; targetDeals: number; maxDurationDays: number }
    startedDaysAgo: number
    deals: {
      seed: number
      prefix: string
      arms: DemoArms
      fromDaysAgo: number
      toDaysAgo: number
      revenue: [number, number]
    }
    /** The analyst's close-out once the test completed. */
    closeOut?: { outcome: 'supported' | 'refuted' | 'inconclusive'; learnings: string }
    /** Leadership's decision after the close-out. */
    decision?: {
      verdict: 'roll_out' | 'reject' | 'iterate'
      barrierEffect?: 'addressed' | 'mitigated'
      rationale: string
      rolloutNote: string
    }
  }[]
}
