import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'
import { privateWebhooksAllowed } from '../config.ts'
import { pipelineRule } from '../errors.ts'

/**
 * Where a webhook may not go: the server's own network. A URL an admin types is fetched by the
 * server, so without this it could reach the cloud's metadata service (169.254.169.254,
 * fd00:ec2::254, 100.100.100.200), the database port on loopback or any host behind the firewall.
 */
// One list per family: Node's BlockList matches IPv6 rules such as ::/96 against IPv4 addresses too.
const PRIVATE_V4 = new BlockList()
const PRIVATE_V6 = new BlockList()
for (const [network, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT (and Alibaba's metadata service)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local: the metadata services of AWS, GCP, Azure
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments (Oracle's metadata service)
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and broadcast
] as const)
  PRIVATE_V4.addSubnet(network, bits, 'ipv4')
for (const [network, bits] of [
  ['::', 96], // unspecified, loopback and IPv4-compatible
  ['::ffff:0:0', 96], // IPv4-mapped: the IPv4 address inside would be reached
  ['64:ff9b::', 96], // NAT64, likewise
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32], // Teredo
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4, which embeds an IPv4 address
  ['fc00::', 7], // unique local (AWS's metadata service is fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['fec0::', 10],
  ['ff00::', 8], // multicast
] as const)
  PRIVATE_V6.addSubnet(network, bits, 'ipv6')

/** Names that always mean this machine, its network or a cloud's metadata service. */
const PRIVATE_NAME =
  /^(localhost|metadata|metadata\.google\.internal|instance-data)$|\.(localhost|internal|local|localdomain|home\.arpa)$/

/** Whether an address is private, loopback, link-local, CGNAT, unique-local, mapped or reserved. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address)
  return family === 4
    ? PRIVATE_V4.check(address, 'ipv4')
    : family === 6
      ? PRIVATE_V6.check(address, 'ipv6')
      : true
}

/** Why a URL's host is refused, judged by the host alone (an address, or a name that is local by definition). */
function hostProblem(hostname: string): string | null {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase()
  if (isIP(host))
    return isPrivateAddress(host) ? `${host} is a private, loopback, link-local or reserved address` : null
  return PRIVATE_NAME.test(host) ? `${host} is a local or cloud-metadata host name` : null
}

const resolvedProblem = (host: string, addresses: LookupAddress[]) => {
  const found = addresses.find((a) => isPrivateAddress(a.address))
  return found ? `${host} resolves to ${found.address}, a private address` : null
}

export type Lookup = typeof dnsLookup

/** How long the check at save time waits for DNS; a name that does not resolve now is checked at delivery. */
const SAVE_LOOKUP_TIMEOUT_MS = 3000

function lookupAll(lookup: Lookup, host: string): Promise<LookupAddress[]> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), SAVE_LOOKUP_TIMEOUT_MS)
    lookup(host, { all: true } as LookupAllOptions, (err, addresses) => {
      clearTimeout(timer)
      resolve(err ? [] : (addresses as LookupAddress[]))
    })
  })
}

/**
 * Refuses, as a 422 naming the field, a webhook URL that points into the server's network: by
 * its host, or by what its name resolves to now. Each delivery checks again (DNS can change), so
 * a name that does not resolve yet is taken. ALLOW_PRIVATE_WEBHOOKS=1 lets such URLs through.
 */
export async function assertPublicWebhookUrl(
  url: string,
  path = 'body.webhookUrl',
  lookup: Lookup = dnsLookup,
): Promise<void> {
  if (privateWebhooksAllowed()) return
  const { protocol, hostname } = new URL(url)
  const problem =
    protocol !== 'http:' && protocol !== 'https:'
      ? `${protocol} is not http or https`
      : (hostProblem(hostname) ??
        (isIP(hostname.replace(/^\[|\]$/g, ''))
          ? null
          : resolvedProblem(hostname, await lookupAll(lookup, hostname))))
  if (problem)
    throw pipelineRule(`The webhook URL points into the server's own network: ${problem}`, [
      {
        path,
        message: 'must be a public address: private, loopback, link-local and metadata addresses are refused',
      },
    ])
}

/** A refusal of the target, recorded in the delivery log like a network error. */
export class PrivateTargetError extends Error {
  readonly code = 'EPRIVATETARGET'
}

/** Refuses, before any connection, a target whose host is private by itself; names are checked as they resolve. */
export function checkTargetHost(url: URL, allowPrivate: boolean): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new PrivateTargetError(`${url.protocol} is not http or https`)
  const problem = allowPrivate ? null : hostProblem(url.hostname)
  if (problem) throw new PrivateTargetError(`Refused: ${problem}`)
}

/**
 * The lookup a delivery connects with: it resolves the name and refuses it when any address is
 * private, so the connection goes to the very address that was checked (no second resolution
 * for DNS rebinding to slip through).
 */
export function guardedLookup(lookup: Lookup, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true } as LookupAllOptions, (err, found) => {
      const addresses = found as unknown as LookupAddress[]
      if (err) return callback(err, '', 0)
      const problem = allowPrivate ? null : resolvedProblem(hostname, addresses)
      if (problem) return callback(new PrivateTargetError(`Refused: ${problem}`), '', 0)
      if ((options as { all?: boolean }).all)
        return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses)
      const [first] = addresses
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0)
      callback(null, first.address, first.family)
    })
  }
}
