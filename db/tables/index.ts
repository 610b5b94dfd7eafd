import type { AccountLinksTable, SignInAttemptsTable } from './account.ts'
import type { AuditLogTable, CommentsTable } from './audit.ts'
import type {
  ArmDailyTotalsTable,
  ArmTotalsTable,
  AssignmentBlocksTable,
  AssignmentsTable,
  DealsTable,
  DecisionsTable,
  HypothesesTable,
  NotificationsTable,
  TestsTable,
  WebhookDeliveriesTable,
} from './experiment.ts'
import type {
  BarriersTable,
  JourneysTable,
  RecommendationsTable,
  SegmentsTable,
  StagesTable,
  TouchpointsTable,
} from './journey.ts'
import type {
  ApiKeysTable,
  MembershipsTable,
  SessionsTable,
  UsersTable,
  WorkspacesTable,
} from './workspace.ts'

export * from './account.ts'
export * from './audit.ts'
export * from './experiment.ts'
export * from './journey.ts'
export * from './workspace.ts'

export interface DB {
  workspaces: WorkspacesTable
  users: UsersTable
  memberships: MembershipsTable
  sessions: SessionsTable
  api_keys: ApiKeysTable
  segments: SegmentsTable
  journeys: JourneysTable
  stages: StagesTable
  touchpoints: TouchpointsTable
  barriers: BarriersTable
  recommendations: RecommendationsTable
  hypotheses: HypothesesTable
  tests: TestsTable
  assignments: AssignmentsTable
  deals: DealsTable
  decisions: DecisionsTable
  comments: CommentsTable
  audit_log: AuditLogTable
  arm_totals: ArmTotalsTable
  arm_daily_totals: ArmDailyTotalsTable
  assignment_blocks: AssignmentBlocksTable
  notifications: NotificationsTable
  webhook_deliveries: WebhookDeliveriesTable
  account_links: AccountLinksTable
  sign_in_attempts: SignInAttemptsTable
}
