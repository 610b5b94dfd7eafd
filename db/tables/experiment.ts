import type { ColumnType, Generated, Selectable } from 'kysely'

type CreatedAt = ColumnType<Date, Date | undefined, never>
type UpdatedAt = ColumnType<Date, Date | undefined, Date>

export type HypothesisStatus = 'draft' | 'ready' | 'testing' | 'validated' | 'refuted' | 'inconclusive'
export type TestStatus = 'draft' | 'running' | 'paused' | 'completed' | 'decided'
export type Alternative = 'two-sided' | 'greater'
export type AssignmentMethod = 'hash' | 'stratified_blocks'
export type CompletionReason = 'target_reached' | 'max_duration' | 'manual' | 'efficacy_boundary'
export type PrimaryMethod = 'exact' | 'score'
export type Group = 'control' | 'treatment'
export type Verdict = 'roll_out' | 'reject' | 'iterate' | 'extend'
export type CloseOutOutcome = 'supported' | 'refuted' | 'inconclusive'

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
  /** Deals a year that pass the hypothesis's stage; the segment's yearly deals when null. */
  yearly_eligible_deals: number | null
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
  /** The primary analysis; chosen by the planned arms at the start when the design leaves it open. */
  primaryMethod?: PrimaryMethod
  /** Whether crossing the efficacy boundary at a planned look completes the test. */
  stopForEfficacy?: boolean
  /**
   * Deals in both arms at each look, the last being the final analysis; set at the start from
   * `interimLooks` and kept through extensions (looks already taken stay where they were).
   */
  lookDeals?: number[]
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
  primary_method: PrimaryMethod | null
  stop_for_efficacy: Generated<boolean>
  salt: Generated<string>
  frozen_plan: TestPlan | null
  started_at: Date | null
  completed_at: Date | null
  completion_reason: CompletionReason | null
  /** Deals closed after this moment (the completion) are late: kept, left out of the analysis. */
  late_after: Date | null
  /** The analyst's close-out of the completed test: whether the hypothesis held. */
  close_out_outcome: CloseOutOutcome | null
  /** What the primary analysis and the achieved power suggested at the close-out. */
  close_out_suggested: CloseOutOutcome | null
  close_out_learnings: Generated<string>
  closed_out_by: number | null
  closed_out_at: Date | null
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
  /** The CRM sent a date without a time: the whole day in the workspace's zone. */
  closed_day_only: Generated<boolean>
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
  /** A roll-out of what the close-out did not call supported, acknowledged as such. */
  unproven_acknowledged: Generated<boolean>
  /** With a roll-out: whether the change removes its barrier or only reduces it. */
  barrier_effect: 'addressed' | 'mitigated' | null
  decided_by: number | null
  decided_at: Generated<Date>
}

export type HypothesisRow = Selectable<HypothesesTable>
export type TestRow = Selectable<TestsTable>
export type DecisionRow = Selectable<DecisionsTable>

/** Per-arm sums kept in the same transaction as the deals; `late_deals` are outside the totals. */
export interface ArmTotalsTable {
  test_id: number
  group: Group
  deals: number
  conversions: number
  revenue_n: number
  revenue_sum: number
  revenue_sum_squares: number
  late_deals: number
  first_closed_at: Date | null
  last_closed_at: Date | null
}

/** Per-arm sums of one calendar day of closing in the workspace's zone, for the cumulative charts, kept like arm_totals. */
export interface ArmDailyTotalsTable {
  test_id: number
  group: Group
  day: string
  deals: number
  conversions: number
  revenue_n: number
  revenue_sum: number
}

/** The current permuted block of one stratum of a test, and how far into it assignment is. */
export interface AssignmentBlocksTable {
  test_id: number
  stratum: string
  block: Group[]
  next_index: number
  blocks_used: number
}

export interface NotificationsTable {
  id: Generated<number>
  workspace_id: number
  test_id: number | null
  kind: 'test_completed'
  payload: unknown
  created_at: Generated<Date>
  read_at: Date | null
}

export interface WebhookDeliveriesTable {
  id: Generated<number>
  workspace_id: number
  event: string
  url: string
  payload: unknown
  status: Generated<'pending' | 'delivered' | 'failed'>
  attempts: Generated<number>
  next_attempt_at: Generated<Date>
  last_status: number | null
  last_error: string | null
  delivered_at: Date | null
  created_at: Generated<Date>
}
