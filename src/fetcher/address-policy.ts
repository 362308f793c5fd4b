/* eslint-disable sonarjs/no-hardcoded-ip -- this file is the SSRF guard's list of refused ranges */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Ranges refused even where ipaddr.js says `unicast`, or that it may classify differently in a later version.
 * Each one either reaches inside the host or its network, or tunnels to an IPv4 address chosen by the sender.
 */
const DENIED_CIDRS: readonly string[] = [
  // IPv4
  '0.0.0.0/8', // "this network": 0.0.0.0 reaches the local host on Linux
  '10.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT, also Alibaba Cloud metadata (100.100.100.200)
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, cloud metadata (169.254.169.254)
  '172.16.0.0/12',
  '192.0.0.0/24', // IETF protocol assignments, Oracle Cloud metadata (192.0.0.192)
  '192.0.2.0/24',
  '192.88.99.0/24', // 6to4 relay anycast
  '192.168.0.0/16',
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, includes the broadcast address
  '168.63.129.16/32', // Azure wire server: public-looking address that answers only inside Azure
  // IPv6
  '::/96', // IPv4-compatible (`::127.0.0.1`): ipaddr.js calls it unicast
  '::ffff:0:0/96', // IPv4-mapped (classified as its IPv4 before this list is used; kept so nothing slips by)
  '64:ff9b::/96', // NAT64 well-known prefix: reaches the embedded IPv4 address
  '64:ff9b:1::/48', // NAT64 local use
  '100::/64', // discard
  '2001::/32', // Teredo
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4: reaches the embedded IPv4 address
  'fc00::/7', // unique local, includes AWS metadata fd00:ec2::254
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated, still routed in some networks)
  'ff00::/8', // multicast
];

const DENIED = DENIED_CIDRS.map((cidr) => ipaddr.parseCIDR(cidr));

/** Why an address may or may not be reached. `range` is ipaddr.js' name, or `denied` for the explicit list. */
export interface AddressVerdict {
  /** The address the socket would connect to, canonical (IPv4-mapped IPv6 shown as its IPv4). */
  address: string;
  /** Whether it is public unicast. */
  public: boolean;
  /** ipaddr.js range name (`unicast`, `loopback`, `private`…), `denied` or `invalid`. */
  range: string;
}

/**
 * Classifies one address as the socket will see it. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4
 * address it carries, because that is where the kernel sends the packets. Anything unparsable is not public.
 */
export function classifyAddress(address: string): AddressVerdict {
  // Scoped IPv6 (`fe80::1%eth0`) can come back from the resolver: the scope does not change the verdict.
  const zone = address.indexOf('%');
  const bare = zone === -1 ? address : address.slice(0, zone);
  const family = isIP(bare);
  if (family === 0) return { address, public: false, range: 'invalid' };
  // ipaddr.js reads the dotted IPv4-compatible form `::8.8.8.8` as IPv4-mapped; WHATWG URL writes every IPv6
  // address in plain hex (`::808:808`), which ipaddr.js parses right. Resolvers do print the dotted form.
  const canonicalInput = family === 6 ? new URL(`http://[${bare}]/`).hostname.slice(1, -1) : bare;
  let parsed = ipaddr.parse(canonicalInput);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const canonical = parsed.toString();
  const range = parsed.range();
  if (range !== 'unicast') return { address: canonical, public: false, range };
  const denied = DENIED.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits));
  return denied ? { address: canonical, public: false, range: 'denied' } : { address: canonical, public: true, range };
}

/** The `host:port` key of the allow-list; IPv6 hosts in brackets, as written in URLs. */
export function hostPortKey(hostname: string, port: number): string {
  const host = hostname.toLowerCase();
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Canonicalizes allow-list entries the way WHATWG URL canonicalizes hosts, so `[0:0::1]:8080` matches a request to
 * `http://[::1]:8080/` and an entry can never match more than the one host it names.
 */
export function canonicalAllowList(entries: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const entry of entries) {
    const match = /^(.+):(\d{1,5})$/.exec(entry.trim());
    if (match === null) throw new Error(`allow-list entry ${JSON.stringify(entry)} is not host:port`);
    const hostname = new URL(`http://${match[1]}`).hostname.replace(/^\[(.*)\]$/, '$1');
    keys.add(hostPortKey(hostname, Number(match[2])));
  }
  return keys;
}
