import type { Role } from './api/types.ts'

/** What a member may do in a workspace. The server enforces the same rights; the interface only
 * hides what the role cannot do, so nobody meets a button that answers 403. */
export type Action =
  | 'segments.write'
  | 'journeys.write'
  | 'barriers.write'
  | 'recommendations.write'
  | 'hypotheses.write'
  | 'tests.write'
  | 'decisions.write'
  | 'members.manage'

const MARKETER: readonly Action[] = [
  'segments.write',
  'journeys.write',
  'barriers.write',
  'recommendations.write',
  'hypotheses.write',
]

const RIGHTS: Record<Role, readonly Action[]> = {
  marketer: MARKETER,
  analyst: [...MARKETER, 'tests.write'],
  leader: ['decisions.write'],
  admin: [...MARKETER, 'tests.write', 'decisions.write', 'members.manage'],
}

export function can(role: Role | null | undefined, action: Action): boolean {
  return role ? RIGHTS[role].includes(action) : false
}
