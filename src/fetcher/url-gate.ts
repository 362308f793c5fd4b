import { MAX_URL_LENGTH } from '../common/validation/is-http-url.decorator.js';
import { hostPortKey } from './address-policy.js';

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/** Why a URL was refused before any connection. */
export type UrlRefusal = 'unparsable' | 'too_long' | 'scheme' | 'userinfo' | 'port';

/** The outcome of the URL gate: the parsed URL to keep using, or why it was refused. */
export type UrlGateResult = { ok: true; url: URL; port: number } | { ok: false; reason: UrlRefusal; detail: string };

/** What the URL gate enforces. */
export interface UrlGatePolicy {
  /** Ports a target may use (the default port of the scheme counts as written). */
  allowedPorts: ReadonlySet<number>;
  /** Canonical `host:port` keys allowed although private; such a key also allows its port. */
  allowPrivate: ReadonlySet<string>;
}

/** The port a request to `url` really uses (also undici's connect options, which carry the same two fields). */
export function effectivePort(url: Pick<URL, 'port' | 'protocol'>): number {
  return url.port === '' ? (DEFAULT_PORTS[url.protocol] ?? 0) : Number(url.port);
}

/**
 * Parses once with WHATWG URL (which canonicalizes every IPv4 spelling and strips tabs and newlines) and checks
 * scheme, userinfo, port and length. Addresses are not judged here: the connector classifies what it connects to.
 */
export function checkUrl(input: string | URL, policy: UrlGatePolicy, base?: URL): UrlGateResult {
  const text = typeof input === 'string' ? input : input.href;
  if (text.length > MAX_URL_LENGTH) {
    return { ok: false, reason: 'too_long', detail: `URL longer than ${MAX_URL_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = typeof input === 'string' ? new URL(input, base) : input;
  } catch {
    return { ok: false, reason: 'unparsable', detail: 'not a valid absolute URL' };
  }
  if (url.href.length > MAX_URL_LENGTH) {
    return { ok: false, reason: 'too_long', detail: `URL longer than ${MAX_URL_LENGTH} characters` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: 'scheme', detail: `scheme ${url.protocol} is not fetched (only http and https)` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'userinfo', detail: 'URLs with credentials are not fetched' };
  }
  const port = effectivePort(url);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!policy.allowedPorts.has(port) && !policy.allowPrivate.has(hostPortKey(hostname, port))) {
    return { ok: false, reason: 'port', detail: `port ${port} is not allowed` };
  }
  return { ok: true, url, port };
}
