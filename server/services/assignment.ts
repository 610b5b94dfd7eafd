import { createHash, randomInt } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import {
  findAssignedKeys,
  insertAssignments,
  insertHashAssignments,
  readAssignments,
} from '../../db/queries/assignments.ts'
import type { DB, Group, TestRow } from '../../db/tables/index.ts'
import type { Scope } from '../context.ts'
import { ApiError, wrongState } from '../errors.ts'
import { getOwned } from './records.ts'

export interface CustomerInput {
  customerKey: string
  stratum?: string | null | undefined
}

export interface Assignment {
  customerKey: string
  group: Group
  stratum: string | null
  assignedAt: string
  created: boolean
}

const NO_STRATUM = ''

/**
 * The hash method: SHA-256 of "<test salt>:<customer key>", its first 48 bits read as a uniform
 * number in [0, 1), control below the control share. The same customer always lands in the same
 * group, with no state to share between servers.
 */
export function hashGroup(salt: string, customerKey: string, controlShare: number): Group {
  const digest = createHash('sha256').update(`${salt}:${customerKey}`).digest()
  return digest.readUIntBE(0, 6) / 2 ** 48 < controlShare ? 'control' : 'treatment'
}

/**
 * One permuted block: round(blockSize × controlShare) control places and the rest treatment, in
 * random order (Fisher–Yates with a cryptographic source). Within a stratum the split is exact at
 * the end of every block, which is what small tests need.
 */
export function permutedBlock(blockSize: number, controlShare: number): Group[] {
  const controls = Math.min(blockSize - 1, Math.max(1, Math.round(blockSize * controlShare)))
  const block: Group[] = [
    ...Array<Group>(controls).fill('control'),
    ...Array<Group>(blockSize - controls).fill('treatment'),
  ]
  for (let i = block.length - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[block[i], block[j]] = [block[j]!, block[i]!]
  }
  return block
}

/** The workspace's test, if it is running (404 for another workspace's, 409 when not running). */
export async function runningTest(db: Kysely<DB> | Transaction<DB>, scope: Scope, testId: number) {
  const test = await getOwned(db, 'tests', scope.workspaceId, testId)
  if (test.status !== 'running')
    throw wrongState(`Only a running test assigns customers; this one is ${test.status}`)
  return test
}

/**
 * Draws groups for a stratified test. Each stratum's block row is locked first (in a fixed order,
 * so concurrent batches never deadlock), and only then is it checked who is already assigned: a
 * customer assigned by a concurrent call meanwhile does not use up a place in the block.
 */
async function drawFromBlocks(
  trx: Transaction<DB>,
  test: TestRow,
  customers: CustomerInput[],
): Promise<Map<string, Group>> {
  const strata = [...new Set(customers.map((c) => c.stratum ?? NO_STRATUM))].sort()
  const states = new Map<string, { block: Group[]; next: number; used: number }>()
  for (const stratum of strata) {
    await trx
      .insertInto('assignment_blocks')
      .values({
        test_id: test.id,
        stratum,
        block: permutedBlock(test.block_size, test.control_share),
        next_index: 0,
        blocks_used: 1,
      })
      .onConflict((oc) => oc.columns(['test_id', 'stratum']).doNothing())
      .execute()
    const state = await trx
      .selectFrom('assignment_blocks')
      .selectAll()
      .where('test_id', '=', test.id)
      .where('stratum', '=', stratum)
      .forUpdate()
      .executeTakeFirstOrThrow()
    states.set(stratum, { block: state.block, next: state.next_index, used: state.blocks_used })
  }
  const assigned = await trx
    .selectFrom('assignments')
    .select('customer_key')
    .where('test_id', '=', test.id)
    .where(
      'customer_key',
      'in',
      customers.map((c) => c.customerKey),
    )
    .execute()
  const known = new Set(assigned.map((r) => r.customer_key))
  const groups = new Map<string, Group>()
  for (const c of customers) {
    if (known.has(c.customerKey)) continue
    const state = states.get(c.stratum ?? NO_STRATUM)!
    if (state.next >= state.block.length) {
      state.block = permutedBlock(test.block_size, test.control_share)
      state.next = 0
      state.used++
    }
    groups.set(c.customerKey, state.block[state.next++]!)
  }
  for (const [stratum, state] of states) {
    await trx
      .updateTable('assignment_blocks')
      .set({ block: state.block, next_index: state.next, blocks_used: state.used })
      .where('test_id', '=', test.id)
      .where('stratum', '=', stratum)
      .execute()
  }
  return groups
}

/**
 * Assigns customers to control or treatment, idempotently: a customer assigned before keeps the
 * group (and `created: false`); concurrent calls for one customer get one row and one answer,
 * because the insert skips on the unique (test, customer) and everyone reads that one row back.
 */
export async function assignCustomers(
  db: Kysely<DB>,
  scope: Scope,
  testId: number,
  customers: CustomerInput[],
): Promise<Assignment[]> {
  const seen = new Set<string>()
  const duplicates = customers.flatMap((c, row) =>
    seen.has(c.customerKey)
      ? [{ path: `customers.${row}.customerKey`, message: 'repeated in this request' }]
      : (seen.add(c.customerKey), []),
  )
  if (duplicates.length)
    throw new ApiError(400, 'invalid_input', 'A customer appears more than once in the list', duplicates)
  const byHash = await assignByHash(db, scope, testId, customers)
  if (byHash) return byHash
  const test = await runningTest(db, scope, testId)
  if (test.assignment_method === 'hash') return (await assignByHash(db, scope, testId, customers))!
  // Stratified blocks share the blocks' state, so the draw and the insert share a transaction.
  return db.transaction().execute(async (trx) => {
    const keys = customers.map((c) => c.customerKey)
    const existing = await findAssignedKeys(trx, testId, keys)
    const known = new Set(existing.map((r) => r.customer_key))
    const candidates = customers.filter((c) => !known.has(c.customerKey))
    const groups = candidates.length ? await drawFromBlocks(trx, test, candidates) : new Map<string, Group>()
    const fresh = candidates.filter((c) => groups.has(c.customerKey))
    let created = new Set<string>()
    if (fresh.length) {
      const inserted = await insertAssignments(
        trx,
        testId,
        fresh.map((c) => ({
          customerKey: c.customerKey,
          group: groups.get(c.customerKey)!,
          stratum: c.stratum ?? '',
        })),
      )
      created = new Set(inserted)
    }
    const rows = await readAssignments(trx, testId, keys)
    const byKey = new Map(rows.map((r) => [r.customer_key, r]))
    return customers.map((c) => {
      const r = byKey.get(c.customerKey)!
      return {
        customerKey: r.customer_key,
        group: r.group,
        stratum: r.stratum,
        assignedAt: r.assigned_at.toISOString(),
        created: created.has(c.customerKey),
      }
    })
  })
}

/**
 * The hash method needs no shared state, so it needs no transaction, and it is one statement
 * (`hashAssignmentStatement` in db/queries/assignments.ts): the test must be running and use the
 * hash method (else no row comes back and the caller finds out why), new customers are inserted
 * with the group computed in SQL exactly as `hashGroup` computes it, and every requested customer's
 * row is returned. A customer inserted by a concurrent call after this statement's snapshot is read
 * back once more. Returns null when the statement did not apply (not running, or another method).
 */
async function assignByHash(
  db: Kysely<DB>,
  scope: Scope,
  testId: number,
  customers: CustomerInput[],
): Promise<Assignment[] | null> {
  const rows = await insertHashAssignments(db, scope.workspaceId, testId, customers)
  if (rows.length === 0) {
    // Either the statement did not apply, or every customer was inserted by concurrent calls
    // after its snapshot: only the test's state tells which.
    const test = await db
      .selectFrom('tests')
      .select(['status', 'assignment_method'])
      .where('id', '=', testId)
      .where('workspace_id', '=', scope.workspaceId)
      .executeTakeFirst()
    if (test?.status !== 'running' || test.assignment_method !== 'hash') return null
  }
  const byKey = new Map(rows.map((r) => [r.customer_key, r]))
  const missing = customers.filter((c) => !byKey.has(c.customerKey)).map((c) => c.customerKey)
  if (missing.length) {
    const late = await readAssignments(db, testId, missing)
    for (const r of late) byKey.set(r.customer_key, { ...r, created: false })
  }
  return customers.map((c) => {
    const r = byKey.get(c.customerKey)!
    return {
      customerKey: r.customer_key,
      group: r.group,
      stratum: r.stratum,
      assignedAt: r.assigned_at.toISOString(),
      created: r.created,
    }
  })
}

/** The assignment file of a test, in key order, streamed in pages so a big list never sits in memory whole. */
export async function* listAssignments(db: Kysely<DB>, scope: Scope, testId: number, pageSize = 5000) {
  await getOwned(db, 'tests', scope.workspaceId, testId)
  let after = 0
  for (;;) {
    const page = await db
      .selectFrom('assignments')
      .select(['id', 'customer_key', 'group', 'stratum', 'assigned_at'])
      .where('test_id', '=', testId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute()
    if (page.length === 0) return
    yield page.map((r) => ({
      customerKey: r.customer_key,
      group: r.group,
      stratum: r.stratum,
      assignedAt: r.assigned_at.toISOString(),
    }))
    after = page.at(-1)!.id
  }
}

/**
 * Per stratum and arm: how many customers were assigned. An index-only scan of
 * (test_id, stratum, group); stratified tests show whether every stratum is balanced.
 */
export async function balanceTable(db: Kysely<DB> | Transaction<DB>, testId: number) {
  const rows = await db
    .selectFrom('assignments')
    .select((eb) => ['stratum', 'group', eb.fn.countAll<number>().as('customers')])
    .where('test_id', '=', testId)
    .groupBy(['stratum', 'group'])
    .orderBy('stratum')
    .execute()
  const strata = new Map<string | null, { stratum: string | null; control: number; treatment: number }>()
  for (const r of rows) {
    const s = strata.get(r.stratum) ?? { stratum: r.stratum, control: 0, treatment: 0 }
    s[r.group] = Number(r.customers)
    strata.set(r.stratum, s)
  }
  return [...strata.values()]
}
