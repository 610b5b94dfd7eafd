import type { ColumnType, Generated, Selectable } from 'kysely'

type CreatedAt = ColumnType<Date, Date | undefined, never>
type UpdatedAt = ColumnType<Date, Date | undefined, Date>

export type HypothesisStatus = 'draft' | 'ready' | 'testing' | 'validated' | 'refuted' | 'inconclusive'
export type TestStatus = 'draft' | 'running' | 'paused' | 'completed' | 'decided'
export type Alternative = 'two-sided' | 'greater'
export type AssignmentMethod = 'hash' | 'stratified_blocks'
export type CompletionReason = 'target_reached' | 'max_duration' | 'manual'
export type Group = 'control' | 'treatment'
export type Verdict = 'roll_out' | 'reject' | 'iterate' | 'extend'

export interface HypothesesTable {
  id: Generated<number>
  workspace_id: number
  recommendation_id: number
  change: string
  expected_outcome: string
  rationale: Generated<string>
  primary_metric: string
  baseline_rate: number | null
  expected_lift: number | null
  value_per_conversion: number | null
  ice_impact: number | null
  ice_confidence: number | null
  ice_ease: number | null
  owner_id: number | null
  status: Generated<HypothesisStatus>
  created_by: number | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

/** The plan as frozen when a test starts: what the results are computed from. */
export interface TestPlan {
  controlShare: number
  targetDeals: number
  alpha: number
  power: number
  alternative: Alternative
  minDurationDays: number
  maxDurationDays: number
  interimLooks: number
  assignmentMethod: AssignmentMethod
  blockSize: number
}

export interface TestsTable {
  id: Generated<number>
  workspace_id: number
  hypothesis_id: number
  name: string
  status: Generated<TestStatus>
  control_share: number
  target_deals: number
  alpha: number
  power: number
  alternative: Alternative
  min_duration_days: number
  max_duration_days: number
  interim_looks: number
  assignment_method: AssignmentMethod
  block_size: number
  salt: Generated<string>
  frozen_plan: TestPlan | null
  started_at: Date | null
  completed_at: Date | null
  completion_reason: CompletionReason | null
  created_by: number | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface AssignmentsTable {
  id: Generated<number>
  test_id: number
  customer_key: string
  group: Group
  stratum: string | null
  assigned_at: Generated<Date>
}

export interface DealsTable {
  id: Generated<number>
  test_id: number
  external_id: string
  customer_key: string
  group: Group
  closed_at: Date
  converted: boolean
  revenue: number | null
  attributes: Generated<Record<string, unknown>>
  late: Generated<boolean>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface DecisionsTable {
  id: Generated<number>
  workspace_id: number
  test_id: number
  verdict: Verdict
  rationale: string
  rollout_note: Generated<string>
  rollout_starts_on: string | null
  results: unknown
  decided_by: number | null
  decided_at: Generated<Date>
}

export type HypothesisRow = Selectable<HypothesesTable>
export type TestRow = Selectable<TestsTable>
export type DecisionRow = Selectable<DecisionsTable>
