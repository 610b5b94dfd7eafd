import { BlockList, isIP } from 'node:net'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import type { AppEnv } from '../context.ts'

/**
 * The proxies named by `TRUST_PROXY`: a comma-separated list of addresses and CIDR ranges
 * (`127.0.0.1`, `10.0.0.0/8`, `::1`). Only a request whose peer is one of them may say, through
 * `X-Forwarded-For` and `X-Forwarded-Proto`, who the client is and whether it came over TLS; from
 * anyone else those headers are the client's own claims and are ignored.
 */
export interface TrustedProxies {
  trusts(address: string): boolean
  readonly empty: boolean
}

/** Parses a `TRUST_PROXY` value; throws naming the first entry that is neither an address nor a range. */
export function parseTrustProxy(value: string | undefined): TrustedProxies {
  // One list per family: Node's BlockList matches some IPv6 rules against IPv4 addresses too.
  const lists = { ipv4: new BlockList(), ipv6: new BlockList() }
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/')
    const family = isIP(address)
    const bits = prefix === undefined ? undefined : Number(prefix)
    const max = family === 4 ? 32 : 128
    if (!family || rest.length > 0 || (bits !== undefined && (!/^\d{1,3}$/.test(prefix!) || bits > max)))
      throw new Error(`"${entry}" is neither an IP address nor a CIDR range`)
    const type = family === 4 ? 'ipv4' : 'ipv6'
    if (bits === undefined) lists[type].addAddress(address, type)
    else lists[type].addSubnet(address, bits, type)
  }
  return {
    empty: entries.length === 0,
    trusts: (address) => {
      const family = isIP(address)
      if (!family) return false
      // An IPv4 client on a dual-stack socket is seen as ::ffff:a.b.c.d.
      const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
      if (v4 || family === 4) return lists.ipv4.check(v4 ?? address, 'ipv4')
      return lists.ipv6.check(address, 'ipv6')
    },
  }
}

export interface Client {
  /** The client's address as best known: the peer, or what the trusted proxies say. */
  address: string
  /** Whether the client reached us over TLS (directly, or through a trusted proxy). */
  https: boolean
}

const IN_PROCESS = 'in-process'

function peerAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? IN_PROCESS
  } catch {
    // Requests made in-process (app.request in tests) have no socket: they share one bucket.
    return IN_PROCESS
  }
}

const list = (header: string | undefined) =>
  (header ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)

/**
 * Who sent this request. Behind trusted proxies the client is the rightmost `X-Forwarded-For`
 * entry that is not itself a trusted proxy: entries to its left were written by the client and
 * prove nothing.
 */
export function clientOf(c: Context<AppEnv>, proxies: TrustedProxies): Client {
  const peer = peerAddress(c)
  const direct = { address: peer, https: new URL(c.req.url).protocol === 'https:' }
  if (proxies.empty || !proxies.trusts(peer)) return direct
  let address = peer
  const hops = list(c.req.header('x-forwarded-for'))
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!
    if (!isIP(hop)) break
    address = hop
    if (!proxies.trusts(hop)) break
  }
  // The proxy nearest us writes the last value.
  const proto = list(c.req.header('x-forwarded-proto')).at(-1)?.toLowerCase()
  return { address, https: proto ? proto === 'https' : direct.https }
}

/**
 * This site's address as the client sees it, for links handed out (invitations, resets): the
 * request's own, or behind trusted proxies the scheme and host they forward.
 */
export function originOf(c: Context<AppEnv>, proxies: TrustedProxies): string {
  const url = new URL(c.req.url)
  const client = clientOf(c, proxies)
  const trusted = !proxies.empty && proxies.trusts(peerAddress(c))
  const forwardedHost = trusted ? list(c.req.header('x-forwarded-host')).at(-1) : undefined
  const host =
    forwardedHost && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(forwardedHost)
      ? forwardedHost
      : url.host
  return `${client.https ? 'https' : 'http'}://${host}`
}
