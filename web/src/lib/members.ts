import type { Member } from './api/types.ts'

/**
 * The name of the member with this user id, for "decided by …"; `fallback` for someone no longer
 * in the workspace (or an API key, which has no user).
 */
export function memberName(members: readonly Member[], userId: number | null, fallback: string): string {
  if (userId === null) return fallback
  return members.find((member) => member.userId === userId)?.name ?? fallback
}
