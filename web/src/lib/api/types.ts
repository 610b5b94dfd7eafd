import type { z } from '@hono/zod-openapi'
import type { Me as MeSchema } from '../../../../server/schemas/auth.ts'
import type {
  Barrier as BarrierSchema,
  BarrierKind as BarrierKindSchema,
  BarrierStatus as BarrierStatusSchema,
  CreateBarrier as CreateBarrierSchema,
  CreateRecommendation as CreateRecommendationSchema,
  EvidenceSource as EvidenceSourceSchema,
  Recommendation as RecommendationSchema,
  Severity as SeveritySchema,
  UpdateBarrier as UpdateBarrierSchema,
} from '../../../../server/schemas/barrier.ts'
import type {
  CreateHypothesis as CreateHypothesisSchema,
  Hypothesis as HypothesisSchema,
  HypothesisStatus as HypothesisStatusSchema,
  UpdateHypothesis as UpdateHypothesisSchema,
} from '../../../../server/schemas/hypothesis.ts'
import type {
  ChannelEnum,
  CreateJourney as CreateJourneySchema,
  CreateSegment as CreateSegmentSchema,
  CreateStage as CreateStageSchema,
  Journey as JourneySchema,
  Segment as SegmentSchema,
  Stage as StageSchema,
  Touchpoint as TouchpointSchema,
  CreateTouchpoint as CreateTouchpointSchema,
  UpdateJourney as UpdateJourneySchema,
  UpdateSegment as UpdateSegmentSchema,
  UpdateStage as UpdateStageSchema,
  UpdateTouchpoint as UpdateTouchpointSchema,
} from '../../../../server/schemas/journey.ts'
import type {
  Alternative as AlternativeSchema,
  CloseOut as CloseOutSchema,
  CloseOutOutcome as CloseOutOutcomeSchema,
  CreateCloseOut as CreateCloseOutSchema,
  CreateDecision as CreateDecisionSchema,
  CreateTest as CreateTestSchema,
  Decision as DecisionSchema,
  TestPlan as TestPlanSchema,
  UpdateTest as UpdateTestSchema,
  Test as TestSchema,
  TestStatus as TestStatusSchema,
  Verdict as VerdictSchema,
} from '../../../../server/schemas/test.ts'
import type {
  AssignmentOut as AssignmentSchema,
  CsvCustomerQuery,
  CsvDealQuery,
  IngestResult as IngestResultSchema,
} from '../../../../server/schemas/deal.ts'
import type {
  AuditEntry as AuditEntrySchema,
  Member as MemberSchema,
} from '../../../../server/schemas/admin.ts'
import type {
  PowerInput as PowerInputSchema,
  PowerResult as PowerResultSchema,
  RevenueInput as RevenueInputSchema,
  RevenueResult as RevenueResultSchema,
  SampleSizeInput as SampleSizeInputSchema,
  SampleSizeResult as SampleSizeResultSchema,
  SignificanceInput as SignificanceInputSchema,
  SignificanceResult as SignificanceResultSchema,
  SrmInput as SrmInputSchema,
  SrmResult as SrmResultSchema,
} from '../../../../server/schemas/calculators.ts'
import type {
  Portfolio as PortfolioSchema,
  TestResults as TestResultsSchema,
} from '../../../../server/schemas/results.ts'

// API objects, inferred from the server's zod schemas (types only: no server code is bundled).
// The value lists below feed the interface's selects; `satisfies` keeps them in step with the schemas.

export type Me = z.infer<typeof MeSchema>
export type User = Me['user']
export type WorkspaceMembership = Me['workspaces'][number]
export type Role = WorkspaceMembership['role']
export type Locale = WorkspaceMembership['locale']
export type Id = number

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export type Channel = z.infer<typeof ChannelEnum>
export const CHANNELS = [
  'email',
  'sms',
  'call',
  'website',
  'forum',
  'outdoor',
  'messenger',
  'personal_account',
  'showroom',
  'other',
] as const satisfies readonly Channel[]

export type BarrierKind = z.infer<typeof BarrierKindSchema>
export const BARRIER_KINDS = [
  'goal_clash',
  'missing_information',
  'process_friction',
  'expectation_gap',
  'trust',
  'other',
] as const satisfies readonly BarrierKind[]

export type EvidenceSource = z.infer<typeof EvidenceSourceSchema>
export const EVIDENCE_SOURCES = [
  'interview',
  'nps_survey',
  'csi_survey',
  'forum',
  'web_analytics',
  'mystery_shopper',
  'other',
] as const satisfies readonly EvidenceSource[]

export type Severity = z.infer<typeof SeveritySchema>
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const satisfies readonly Severity[]
export type BarrierStatus = z.infer<typeof BarrierStatusSchema>
export const BARRIER_STATUSES = [
  'open',
  'testing',
  'addressed',
  'mitigated',
] as const satisfies readonly BarrierStatus[]

export type HypothesisStatus = z.infer<typeof HypothesisStatusSchema>
export const HYPOTHESIS_STATUSES = [
  'draft',
  'ready',
  'testing',
  'validated',
  'refuted',
  'inconclusive',
] as const satisfies readonly HypothesisStatus[]

export type TestStatus = z.infer<typeof TestStatusSchema>
export const TEST_STATUSES = [
  'draft',
  'running',
  'paused',
  'completed',
  'decided',
] as const satisfies readonly TestStatus[]
export type Verdict = z.infer<typeof VerdictSchema>
export const VERDICTS = ['roll_out', 'reject', 'iterate', 'extend'] as const satisfies readonly Verdict[]
export type Alternative = z.infer<typeof AlternativeSchema>
export type CloseOutOutcome = z.infer<typeof CloseOutOutcomeSchema>
export const CLOSE_OUT_OUTCOMES = [
  'supported',
  'refuted',
  'inconclusive',
] as const satisfies readonly CloseOutOutcome[]
export type CloseOut = z.infer<typeof CloseOutSchema>
export type CreateCloseOut = z.input<typeof CreateCloseOutSchema>
export type BarrierEffect = NonNullable<Decision['barrierEffect']>
export const BARRIER_EFFECTS = ['addressed', 'mitigated'] as const satisfies readonly BarrierEffect[]

export type Segment = z.infer<typeof SegmentSchema>
export type CreateSegment = z.input<typeof CreateSegmentSchema>
export type UpdateSegment = z.input<typeof UpdateSegmentSchema>
export type Journey = z.infer<typeof JourneySchema>
export type CreateJourney = z.input<typeof CreateJourneySchema>
export type UpdateJourney = z.input<typeof UpdateJourneySchema>
export type Touchpoint = z.infer<typeof TouchpointSchema>
export type CreateTouchpoint = z.input<typeof CreateTouchpointSchema>
export type UpdateTouchpoint = z.input<typeof UpdateTouchpointSchema>
export type Barrier = z.infer<typeof BarrierSchema>
export type CreateBarrier = z.input<typeof CreateBarrierSchema>
export type UpdateBarrier = z.input<typeof UpdateBarrierSchema>
export type Recommendation = z.infer<typeof RecommendationSchema>
export type CreateRecommendation = z.input<typeof CreateRecommendationSchema>
export type Stage = z.infer<typeof StageSchema>
export type CreateStage = z.input<typeof CreateStageSchema>
export type UpdateStage = z.input<typeof UpdateStageSchema>
export type Hypothesis = z.infer<typeof HypothesisSchema>
export type CreateHypothesis = z.input<typeof CreateHypothesisSchema>
export type UpdateHypothesis = z.input<typeof UpdateHypothesisSchema>
export type Test = z.infer<typeof TestSchema>
export type Decision = z.infer<typeof DecisionSchema>
export type CreateDecision = z.input<typeof CreateDecisionSchema>
export type TestPlan = z.infer<typeof TestPlanSchema>
export type CreateTest = z.input<typeof CreateTestSchema>
export type UpdateTest = z.input<typeof UpdateTestSchema>
export type AssignmentMethod = TestPlan['assignmentMethod']
export type Assignment = z.infer<typeof AssignmentSchema>
export type IngestResult = z.infer<typeof IngestResultSchema>
export type CsvCustomerMapping = z.input<typeof CsvCustomerQuery>
export type CsvDealMapping = z.input<typeof CsvDealQuery>
export type AuditEntry = z.infer<typeof AuditEntrySchema>
export type Member = z.infer<typeof MemberSchema>

/** The text fields of a stage, one row each on the map. */
export const STAGE_TEXT_FIELDS = [
  'customerGoals',
  'customerThoughts',
  'customerActions',
  'brandGoals',
  'externalExperience',
] as const satisfies readonly (keyof Stage)[]
export type StageTextField = (typeof STAGE_TEXT_FIELDS)[number]

/** GET journeys/:id — the journey with its stages in order (server/services/journeys.ts getJourneyMap). */
export interface StageOnMap extends Stage {
  touchpoints: Touchpoint[]
  barriers: Barrier[]
  recommendations: Recommendation[]
}

export interface JourneyMap extends Journey {
  stages: StageOnMap[]
}

// Calculators (no sign-in), inferred from the server's schemas (server/schemas/calculators.ts).

export type Interval = z.infer<typeof RevenueResultSchema>['difference']
export type SignificanceInput = z.input<typeof SignificanceInputSchema>
export type SignificanceResult = z.infer<typeof SignificanceResultSchema>
export type SampleSizeInput = z.input<typeof SampleSizeInputSchema>
export type SampleSizeResult = z.infer<typeof SampleSizeResultSchema>
export type PowerInput = z.input<typeof PowerInputSchema>
export type PowerResult = z.infer<typeof PowerResultSchema>
export type RevenueInput = z.input<typeof RevenueInputSchema>
export type RevenueArm = RevenueInput['control']
export type RevenueResult = z.infer<typeof RevenueResultSchema>
export type SrmInput = z.input<typeof SrmInputSchema>
export type SrmResult = z.infer<typeof SrmResultSchema>

// Results of a test and the portfolio, inferred from the server's response schemas
// (server/schemas/results.ts). Infinite interval ends arrive as null.

export type NullableInterval = readonly [number | null, number | null] | null

type ResultsSchema = z.infer<typeof TestResultsSchema>
type VerdictSchema = ResultsSchema['verdict']
/** The plan's primary analysis (DESIGN.md, "One primary analysis"): THE result. */
export type PrimaryAnalysis = VerdictSchema['primary']
/** Another method beside the primary analysis, never the result, with the code of why it may differ. */
export type MethodCheck = VerdictSchema['checks'][number]
/**
 * A test's results. The interface also reads a verdict without the primary analysis and its checks
 * (as results were before them), so both are optional here.
 */
export type TestResults = Omit<ResultsSchema, 'verdict'> & {
  verdict: Omit<VerdictSchema, 'primary' | 'checks'> & Partial<Pick<VerdictSchema, 'primary' | 'checks'>>
}
export type CloseOutSuggestion = NonNullable<TestResults['closeOut']['suggestion']>
export type SeriesPoint = TestResults['series'][number]
export type ArmPoint = SeriesPoint['control']
export type ResultsProgress = TestResults['progress']
export type InterimLook = TestResults['interimLooks'][number]
export type BalanceRow = TestResults['balance'][number]
export type StatsVerdict = TestResults['verdict']
export type ArmReading = StatsVerdict['control']
export type Portfolio = z.infer<typeof PortfolioSchema>
export type PortfolioTest = Portfolio['tests'][number]
