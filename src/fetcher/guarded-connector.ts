import { AsyncLocalStorage } from 'node:async_hooks';
import { isIP } from 'node:net';
import type { buildConnector } from 'undici';
import { DomainError } from '../common/errors/domain-error.js';
import { classifyAddress, hostPortKey, type AddressVerdict } from './address-policy.js';
import type { HostResolver } from './host-resolver.js';
import { effectivePort } from './url-gate.js';

/** Phases measured for the request that caused a connection (none when a pooled socket was reused). */
export interface ConnectTrace {
  dnsMs: number;
  connectMs: number;
}

/** Carries the trace of the current fetch into the connector, which undici calls outside of our code. */
export const connectTraceStorage = new AsyncLocalStorage<ConnectTrace>();

/** What the guarded connector needs. */
export interface GuardedConnectorOptions {
  /** Resolves host names; called once per new connection, never again for the same socket. */
  resolver: HostResolver;
  /** Canonical `host:port` keys whose addresses may be private. */
  allowPrivate: ReadonlySet<string>;
  /** Longest wait for the resolver. */
  resolveTimeoutMs: number;
  /** Opens the socket to a vetted address (undici's own connector, with the connect timeout). */
  dial: buildConnector.connector;
}

function blocked(host: string, verdict: AddressVerdict): DomainError {
  // The address goes to the logs only (through `cause`): telling callers what internal names resolve to would map
  // the private network for them.
  return new DomainError('BLOCKED_DESTINATION', `${host} resolves to a non-public address`, {
    details: { host, range: verdict.range },
    cause: new Error(`${host} -> ${verdict.address} (${verdict.range})`),
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An undici connector that is the SSRF guard: it resolves the host itself (every address), refuses the host when
 * any address is not public unicast (unless its exact `host:port` is allow-listed), and then connects to the vetted
 * IP, so no second lookup can answer differently (DNS rebinding). IP literals, which undici never hands to a lookup
 * hook, take the same path. The TLS server name stays the original host name.
 */
export function guardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const { resolver, allowPrivate, resolveTimeoutMs, dial } = options;

  async function vet(hostname: string, port: number, trace: ConnectTrace | undefined): Promise<string[]> {
    const literal = isIP(hostname) !== 0;
    const started = performance.now();
    let addresses: string[];
    if (literal) {
      addresses = [hostname];
    } else {
      try {
        addresses = await withTimeout(
          resolver.resolve(hostname),
          resolveTimeoutMs,
          () =>
            new DomainError('UPSTREAM_TIMEOUT', `resolving ${hostname} took too long`, { details: { cause: 'dns' } }),
        );
      } catch (error) {
        if (error instanceof DomainError) throw error;
        throw new DomainError('UPSTREAM_ERROR', `${hostname} could not be resolved`, {
          details: { cause: 'dns' },
          cause: error,
        });
      }
      if (trace) trace.dnsMs += performance.now() - started;
    }
    if (addresses.length === 0) {
      throw new DomainError('UPSTREAM_ERROR', `${hostname} has no address`, { details: { cause: 'dns' } });
    }
    if (allowPrivate.has(hostPortKey(hostname, port))) return addresses;
    for (const address of addresses) {
      const verdict = classifyAddress(address);
      // One bad address refuses the whole host: which one the socket would pick is not ours to predict.
      if (!verdict.public) throw blocked(hostname, verdict);
    }
    return addresses;
  }

  function dialInOrder(
    connectOptions: buildConnector.Options,
    addresses: string[],
    servername: string | undefined,
    callback: buildConnector.Callback,
  ): void {
    const [address, ...rest] = addresses;
    dial({ ...connectOptions, hostname: address, host: address, servername }, (error, socket) => {
      if (error === null) {
        callback(null, socket);
      } else if (rest.length > 0) {
        // Dual-stack hosts: an unreachable IPv6 address must not hide a working IPv4 one.
        dialInOrder(connectOptions, rest, servername, callback);
      } else {
        callback(error, null);
      }
    });
  }

  return (connectOptions, callback) => {
    const trace = connectTraceStorage.getStore();
    const hostname = connectOptions.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    const port = effectivePort(connectOptions);
    const servername = connectOptions.servername ?? (isIP(hostname) === 0 ? hostname : undefined);
    vet(hostname, port, trace).then(
      (addresses) => {
        const started = performance.now();
        dialInOrder(connectOptions, addresses, servername, (error, socket) => {
          if (trace) trace.connectMs += performance.now() - started;
          if (error === null) callback(null, socket);
          else callback(error, null);
        });
      },
      (error: Error) => callback(error, null),
    );
  };
}
