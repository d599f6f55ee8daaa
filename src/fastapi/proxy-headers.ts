// uvicorn's ProxyHeadersMiddleware, on by default there (`proxy_headers=True`,
// `forwarded_allow_ips` "127.0.0.1,::1"): from a trusted client,
// X-Forwarded-Proto sets the scheme, which is what the 307 Location starts
// with (docs/fidelity.md §14). The client address it also takes from
// X-Forwarded-For shows in no answer of the emulator, so it is not read.
import { isIP } from 'node:net'
import { isHeaderNamed } from './header-names.js'

// '*' trusts every client; a list, uvicorn's entries (addresses, networks
// such as 10.0.0.0/8, or other literals); an empty list trusts none.
export type ForwardedAllowIps = '*' | readonly string[]

const ipv4Bits = (address: string): bigint =>
  address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n)

// An IPv6 address (as isIP accepts it, an embedded dotted quad included) as 128 bits.
const ipv6Bits = (address: string): bigint => {
  let text = address
  const dotted = /\d+\.\d+\.\d+\.\d+$/.exec(text)
  if (dotted !== null) {
    const v4 = ipv4Bits(dotted[0])
    text = `${text.slice(0, -dotted[0].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`
  }
  const groups = (s: string): bigint[] => s === '' ? [] : s.split(':').map((g) => BigInt(`0x${g}`))
  const [head, rest] = text.split('::') as [string, string | undefined]
  const left = groups(head)
  const right = groups(rest ?? '')
  const all = rest === undefined ? left : [...left, ...Array<bigint>(8 - left.length - right.length).fill(0n), ...right]
  return all.reduce((acc, g) => (acc << 16n) | g, 0n)
}

interface Ip { family: 4 | 6, bits: bigint }
const parseIp = (text: string): Ip | null => {
  const family = isIP(text)
  if (family === 4) return { family, bits: ipv4Bits(text) }
  if (family === 6) return { family, bits: ipv6Bits(text) }
  return null
}

interface Network { family: 4 | 6, bits: bigint, prefix: number }
// Python's ip_network(strict=True): host bits set make it no network.
const parseNetwork = (text: string): Network | null => {
  const [address, prefixText] = text.split('/') as [string, string]
  const ip = parseIp(address)
  if (ip === null || !/^\d+$/.test(prefixText)) return null
  const width = ip.family === 4 ? 32 : 128
  const prefix = Number(prefixText)
  if (prefix > width) return null
  const hostMask = (1n << BigInt(width - prefix)) - 1n
  return (ip.bits & hostMask) === 0n ? { ...ip, prefix } : null
}

// uvicorn's _TrustedHosts.__contains__ for the connecting client's address.
export const makeTrust = (allowed: ForwardedAllowIps): (host: string | undefined) => boolean => {
  if (allowed === '*') return () => true
  const literals = new Set<string>()
  const hosts: Ip[] = []
  const networks: Network[] = []
  for (const entry of allowed) {
    const parsed = entry.includes('/') ? parseNetwork(entry) : parseIp(entry)
    if (parsed === null) literals.add(entry)
    else if (entry.includes('/')) networks.push(parsed as Network)
    else hosts.push(parsed)
  }
  return (host) => {
    if (host === undefined || host === '') return false
    const ip = parseIp(host)
    if (ip === null) return literals.has(host)
    return hosts.some((h) => h.family === ip.family && h.bits === ip.bits) ||
      networks.some((n) => n.family === ip.family && (ip.bits >> BigInt((n.family === 4 ? 32 : 128) - n.prefix)) === (n.bits >> BigInt((n.family === 4 ? 32 : 128) - n.prefix)))
  }
}

const SCHEMES = new Set(['http', 'https', 'ws', 'wss'])

// The scheme of the request's URL as Starlette builds it: the last
// X-Forwarded-Proto from a trusted client when it names one of uvicorn's
// schemes (stripped of spaces), else http.
export const makeRequestScheme = (allowed: ForwardedAllowIps) => {
  const trusted = makeTrust(allowed)
  return (rawHeaders: readonly string[], clientHost: string | undefined): string => {
    if (!trusted(clientHost)) return 'http'
    let proto: string | undefined
    for (let i = 0; i < rawHeaders.length; i += 2) {
      if (isHeaderNamed(rawHeaders[i]!, 'x-forwarded-proto')) proto = rawHeaders[i + 1]!
    }
    const value = proto?.trim()
    return value !== undefined && SCHEMES.has(value) ? value : 'http'
  }
}
