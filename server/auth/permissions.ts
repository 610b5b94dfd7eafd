import type { Role } from '../../db/tables/index.ts'
import type { Scope } from '../context.ts'
import { forbidden } from '../errors.ts'

/** What each role may do in a workspace. Reading is open to every member. */
export type Permission =
  'read' | 'edit_pipeline' | 'manage_tests' | 'decide' | 'administer' | 'ingest' | 'comment'

const grants: Record<Role, readonly Permission[]> = {
  marketer: ['read', 'edit_pipeline', 'comment'],
  analyst: ['read', 'edit_pipeline', 'manage_tests', 'ingest', 'comment'],
  leader: ['read', 'decide', 'comment'],
  admin: ['read', 'edit_pipeline', 'manage_tests', 'decide', 'administer', 'ingest', 'comment'],
}

/** API keys serve integrations (a CRM, an email tool): they assign customers and send deals, nothing else. */
const apiKeyGrants: readonly Permission[] = ['ingest']

export function can(scope: Pick<Scope, 'role'>, permission: Permission): boolean {
  return scope.role === 'api_key'
    ? apiKeyGrants.includes(permission)
    : grants[scope.role].includes(permission)
}

export function assertCan(scope: Scope, permission: Permission): Scope {
  if (!can(scope, permission)) {
    throw forbidden(
      scope.role === 'api_key'
        ? 'API keys may only assign customers and send deals'
        : `The ${scope.role} role may not do this`,
    )
  }
  return scope
}

export function permissionsOf(role: Role): readonly Permission[] {
  return grants[role]
}
