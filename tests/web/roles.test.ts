import { describe, expect, it } from 'vitest'
import { can } from '../../web/src/lib/roles.ts'

describe('can', () => {
  it('lets a marketer edit the map and the backlog but not tests or decisions', () => {
    expect(can('marketer', 'barriers.write')).toBe(true)
    expect(can('marketer', 'hypotheses.write')).toBe(true)
    expect(can('marketer', 'tests.write')).toBe(false)
    expect(can('marketer', 'decisions.write')).toBe(false)
  })

  it('lets an analyst design tests', () => {
    expect(can('analyst', 'tests.write')).toBe(true)
    expect(can('analyst', 'decisions.write')).toBe(false)
  })

  it('lets leadership decide but not edit', () => {
    expect(can('leader', 'decisions.write')).toBe(true)
    expect(can('leader', 'journeys.write')).toBe(false)
  })

  it('lets an administrator do everything', () => {
    expect(can('admin', 'members.manage')).toBe(true)
    expect(can('admin', 'decisions.write')).toBe(true)
    expect(can('admin', 'tests.write')).toBe(true)
  })

  it('allows nothing without a role', () => {
    expect(can(undefined, 'journeys.write')).toBe(false)
  })
})
