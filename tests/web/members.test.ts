import { describe, expect, it } from 'vitest'
import { memberName } from '../../web/src/lib/members.ts'

const members = [
  { userId: 2, email: 'analyst@demo.local', name: 'Anton Analyst', role: 'analyst', joinedAt: '2026-01-01' },
  { userId: 3, email: 'leader@demo.local', name: 'Lena Leader', role: 'leader', joinedAt: '2026-01-01' },
] as const

describe('memberName', () => {
  it('names the member with the user id', () => {
    expect(memberName([...members], 3, 'a former member')).toBe('Lena Leader')
  })

  it('falls back for someone no longer in the workspace', () => {
    expect(memberName([...members], 9, 'a former member')).toBe('a former member')
  })

  it('falls back when no person acted (an API key)', () => {
    expect(memberName([...members], null, 'a former member')).toBe('a former member')
  })
})
