import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Which addresses an outbound fetch may reach. A URL someone hands Docent must not make the
 * server call itself, the local network or a cloud metadata service on their behalf.
 */
const privateRanges = new BlockList();
const IPV4_RANGES: [string, number][] = [
  ['0.0.0.0', 8], // "this network", including the unspecified 0.0.0.0
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, where cloud metadata services answer
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
];
for (const [network, prefix] of IPV4_RANGES) {
  privateRanges.addSubnet(network, prefix, 'ipv4');
  // The same IPv4 address reached through NAT64. (IPv4-mapped ::ffff:a.b.c.d is matched by BlockList itself.)
  privateRanges.addSubnet(`64:ff9b::${network}`, 96 + prefix, 'ipv6');
}
const IPV6_RANGES: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated), which some stacks still route to IPv4
  ['fc00::', 7], // unique local, including AWS's metadata address fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];
for (const [network, prefix] of IPV6_RANGES) privateRanges.addSubnet(network, prefix, 'ipv6');

/** Names that mean this machine or a metadata service wherever they are looked up. */
const PRIVATE_NAMES = /^(localhost|.+\.localhost|metadata|metadata\.google\.internal)\.?$/i;

/** True for loopback, private, link-local, CGNAT, unspecified, multicast and metadata addresses. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return false;
  return privateRanges.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** A URL's host (as `URL.hostname` gives it) that is refused before any lookup: a private IP literal or name. */
export function isPrivateHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return isIP(bare) ? isPrivateAddress(bare) : PRIVATE_NAMES.test(bare);
}

/** The host whose name resolved to, or which is, an address outbound fetches may not reach. */
export class PrivateAddressError extends Error {
  constructor(readonly host: string) {
    super(`${host} resolves to a private address`);
    this.name = 'PrivateAddressError';
  }
}

/** Resolves a name to every address it has; `dns.lookup` unless a test gives its own. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * A `lookup` for node:net that refuses a name when any of its addresses is private (unless told
 * not to). The socket connects to the addresses checked here, so a name that changes its answer
 * between a check and the connection (DNS rebinding) cannot slip through.
 */
export function guardedLookup(resolve: Resolver = systemResolver, refusePrivate = true): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const addresses = options.family ? found.filter((a) => a.family === options.family) : found;
        if (refusePrivate && addresses.some((a) => isPrivateAddress(a.address)))
          return callback(new PrivateAddressError(hostname), '', 0);
        const first = addresses[0];
        if (!first) {
          const error = Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
          return callback(error, '', 0);
        }
        if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
