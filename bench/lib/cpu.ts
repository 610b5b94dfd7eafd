import { existsSync, readdirSync, readFileSync } from 'node:fs'

// Where the CPU time of a load goes, to say why a product figure trails its ceiling. Linux only
// (/proc); elsewhere the readings are null and the figures print without them.
const CLOCK_TICKS = 100
const HAS_PROC = existsSync('/proc/self/stat')

/** User + system seconds of a /proc stat file (process or thread). */
export function statSeconds(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

/** CPU seconds of every PostgreSQL process on this machine (the bench's server is local). */
function postgresSeconds(): number {
  let total = 0
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres')
        total += statSeconds(`/proc/${pid}/stat`)
    } catch {
      // The process ended meanwhile.
    }
  }
  return total
}

export interface CpuMark {
  process: number
  postgres: number
}

export const cpuMark = (): CpuMark | null =>
  HAS_PROC ? { process: statSeconds('/proc/self/stat'), postgres: postgresSeconds() } : null

/**
 * µs of CPU per request since `start`: this process without the load generator's thread (whose
 * own seconds the worker reports), and PostgreSQL.
 */
export function cpuPerRequest(start: CpuMark | null, generatorSeconds: number | null, requests: number) {
  const end = cpuMark()
  if (!start || !end || generatorSeconds === null || requests === 0) return null
  return {
    nodeUs: ((end.process - start.process - generatorSeconds) * 1e6) / requests,
    postgresUs: ((end.postgres - start.postgres) * 1e6) / requests,
  }
}
