import type { ColumnType, Generated, Selectable } from 'kysely'

type CreatedAt = ColumnType<Date, Date | undefined, never>
type UpdatedAt = ColumnType<Date, Date | undefined, Date>

export type Channel =
  | 'email'
  | 'sms'
  | 'call'
  | 'website'
  | 'forum'
  | 'outdoor'
  | 'messenger'
  | 'personal_account'
  | 'showroom'
  | 'other'
export type BarrierKind =
  'goal_clash' | 'missing_information' | 'process_friction' | 'expectation_gap' | 'trust' | 'other'
export type EvidenceSource =
  'interview' | 'nps_survey' | 'csi_survey' | 'forum' | 'web_analytics' | 'mystery_shopper' | 'other'
export type Severity = 'low' | 'medium' | 'high' | 'critical'
export type BarrierStatus = 'open' | 'testing' | 'addressed' | 'mitigated'

export interface SegmentsTable {
  id: Generated<number>
  workspace_id: number
  name: string
  description: Generated<string>
  portrait: Generated<Record<string, string>>
  yearly_deals: number | null
  value_per_conversion: number | null
  deals_per_week: number | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface JourneysTable {
  id: Generated<number>
  workspace_id: number
  segment_id: number
  name: string
  description: Generated<string>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface StagesTable {
  id: Generated<number>
  workspace_id: number
  journey_id: number
  position: number
  name: string
  customer_goals: Generated<string>
  customer_thoughts: Generated<string>
  customer_actions: Generated<string>
  brand_goals: Generated<string>
  external_experience: Generated<string>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface TouchpointsTable {
  id: Generated<number>
  workspace_id: number
  stage_id: number
  channel: Channel
  description: string
  created_at: CreatedAt
}

export interface BarriersTable {
  id: Generated<number>
  workspace_id: number
  stage_id: number
  title: string
  description: Generated<string>
  kind: BarrierKind
  evidence_source: EvidenceSource
  evidence_quotes: Generated<string[]>
  share_affected: number | null
  severity: Severity
  status: Generated<BarrierStatus>
  created_by: number | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface RecommendationsTable {
  id: Generated<number>
  workspace_id: number
  stage_id: number
  barrier_id: number | null
  text: string
  channel: Channel | null
  created_by: number | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export type SegmentRow = Selectable<SegmentsTable>
export type JourneyRow = Selectable<JourneysTable>
export type StageRow = Selectable<StagesTable>
export type TouchpointRow = Selectable<TouchpointsTable>
export type BarrierRow = Selectable<BarriersTable>
export type RecommendationRow = Selectable<RecommendationsTable>
