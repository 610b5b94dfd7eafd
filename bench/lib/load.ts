import { Worker } from 'node:worker_threads'

export interface LoadOptions {
  url: string
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  durationMs: number
  connections: number
  /** 'assign': each request assigns a new customer `${keyPrefix}-<connection>-<n>` */
  bodyKind?: 'assign'
  keyPrefix?: string
}

export interface LoadResult {
  /** CPU seconds of the load generator's own thread (Linux), to subtract from the process's. */
  generatorSeconds: number | null
  ok: number
  failed: number
  statuses: Record<string, number>
  elapsedMs: number
  rps: number
  p50: number
  p90: number
  p99: number
  max: number
}

/** Runs the closed-loop load generator (bench/lib/load-worker.mjs) in a worker thread. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), {
      workerData: { headers: {}, keyPrefix: 'k', ...options },
    })
    worker.once('message', (m: LoadResult) => resolve(m))
    worker.once('error', reject)
    worker.once('exit', (code) => code !== 0 && reject(new Error(`load worker exited with ${code}`)))
  })
}
