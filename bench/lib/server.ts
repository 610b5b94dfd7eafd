import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createServer } from 'node:net'

/** Serves a fetch handler on 127.0.0.1 at a free port; resolves once it listens. */
export async function listen(
  fetch: (req: Request) => Response | Promise<Response>,
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
            server.close(() => done())
          }),
      })
    })
  })
}

/** A free TCP port on loopback, for child processes. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}
