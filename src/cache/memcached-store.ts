import { KeyvMemcache } from '@keyv/memcache';
import HashRing from 'hashring';
import type { DeserializedData, StoredData } from 'keyv';
import memjs from 'memjs';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** memcached reads an expiry over 30 days as an absolute UNIX time (the entry would die at once). */
export const MEMCACHED_MAX_TTL_MS = 30 * 86_400_000;

/**
 * memcached's item limit (`-I`, 1 MiB by default) counts the key and the item header too; a bigger value is
 * refused by the server and, through Keyv, fails silently. Values over this are not sent.
 */
export const MEMCACHED_MAX_VALUE_BYTES = 1024 * 1024 - 1024;

/** Binary-protocol NOOP: the cheapest request a server answers, used to probe a server marked dead. */
const OPCODE_NOOP = 0x0a;

/** Resolves a host name to its addresses (IPv4 or IPv6 literals). */
export type Resolver = (host: string) => Promise<string[]>;

/** Every address of `host`, as the system resolver gives them (a headless Service: one per pod). */
export const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true })).map((entry) => entry.address);

/** Options of {@link MemcachedAdapter}. */
export interface MemcachedAdapterOptions {
  /** `host:port` of every server (IPv4 literals or names), in a stable order. */
  servers: string[];
  /** Receives memjs' own log lines, one per failed operation (it writes to `console` otherwise). */
  log: (message: string) => void;
  /** Receives the adapter's own news: servers changed, a dead server answers again. @default log */
  notice?: (message: string) => void;
  /** Resolves the names in `servers`. @default {@link systemResolver} */
  resolver?: Resolver;
  /** How often names are resolved again; 0 resolves them once. @default 30000 */
  resolveIntervalMs?: number;
  /**
   * How often a server marked dead is probed: memjs keeps a failed server out for `failoverTime` (60 s), the probe
   * lets it back in as soon as it answers. @default 1000
   */
  probeIntervalMs?: number;
}

/**
 * memjs options, checked against memjs 1.3.2 (which `@keyv/memcache` 2 uses): `timeout` and `conntimeout` are
 * seconds per operation / connect, `retries` counts attempts (1 = no retry, fail over at once), `failover` sends a
 * failed server's keys to the next live server for `failoverTime` seconds. memjs 1.3 has no `serverKeyForKey`
 * option: the server is picked by the overridable `Client#getServer(key)`, set to the ketama ring below.
 * The timeouts are well above the store timeout (250 ms), which is what bounds a caller's wait: an answer that comes
 * late because this process' event loop was busy is a miss for that caller, not a dead server for every request of
 * the next second (memjs takes a server out on its first timeout). A refused connection fails over at once.
 */
const MEMJS_OPTIONS = { timeout: 1, conntimeout: 1, retries: 1, failover: true, failoverTime: 60 } as const;

/**
 * Maps keys to server indexes with ketama consistent hashing (libketama-compatible `hashring`), so adding a
 * server to N moves about 1/(N+1) of the keys instead of nearly all of them.
 */
export function ketamaServerIndex(servers: readonly string[]): (key: string) => number {
  const ring = new HashRing([...servers]);
  const index = new Map(servers.map((server, i) => [server, i]));
  return (key) => index.get(ring.get(key)) ?? 0;
}

/**
 * A whole number of seconds memcached understands, in ms: at least 1 s (memjs floors to seconds and 0 means
 * "never expires") and at most 30 days (more is read as a timestamp).
 */
export function memcachedTtlMs(ttlMs: number | undefined): number {
  if (ttlMs === undefined) return MEMCACHED_MAX_TTL_MS;
  return Math.min(Math.max(Math.ceil(ttlMs / 1000), 1) * 1000, MEMCACHED_MAX_TTL_MS);
}

type MemjsServer = memjs.Server;

/** `host:port`, with brackets around an IPv6 address. */
function serverName(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

function splitHostPort(entry: string): { host: string; port: number } {
  const at = entry.lastIndexOf(':');
  return { host: entry.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(entry.slice(at + 1)) };
}

/** A removed server's connection is closed this long after it left the list, so requests in flight can finish. */
const REMOVED_SERVER_GRACE_MS = 5000;
/** Longest wait at start for the first resolution of the names in the server list. */
const FIRST_RESOLVE_WAIT_MS = 2000;
/** A probe with neither answer nor error by then is given up, so that a new one can start. */
const PROBE_GIVE_UP_MS = 2000;

/**
 * `@keyv/memcache` over several servers with ketama key placement, bounded operation time, failover, TTLs that
 * memcached reads as intended, a plain miss for absent keys and a `disconnect()` that closes the sockets. Besides:
 * - names in the server list are resolved to every address they have (a Kubernetes headless Service lists one
 *   per pod) and resolved again every `resolveIntervalMs`, so scaling memcached needs no restart; ketama places
 *   keys by address, so a server joining or leaving moves only its share of the keys;
 * - a server memjs marked dead is probed every `probeIntervalMs` and used again as soon as it answers, instead of
 *   after memjs' 60 s failover window;
 * - `add` (for leases) and `increment` (for counters) in one round trip.
 */
export class MemcachedAdapter extends KeyvMemcache {
  private closed = false;
  private readonly log: (message: string) => void;
  private readonly resolver: Resolver;
  private readonly configured: readonly string[];
  /** The addresses each configured entry had at its last successful resolution. */
  private readonly resolved = new Map<string, string[]>();
  private current: string[];
  private readonly probing = new Map<MemjsServer, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly leaving = new Set<MemjsServer>();
  private started?: Promise<void>;
  private readonly resolveIntervalMs: number;
  private readonly probeIntervalMs: number;

  constructor(options: MemcachedAdapterOptions) {
    super(options.servers.join(','), { ...MEMJS_OPTIONS, logger: { log: options.log } });
    this.log = options.notice ?? options.log;
    this.resolver = options.resolver ?? systemResolver;
    this.configured = [...options.servers];
    this.current = [...options.servers];
    this.memjs.getServer = ketamaServerIndex(this.current);
    this.resolveIntervalMs = options.resolveIntervalMs ?? 30_000;
    this.probeIntervalMs = options.probeIntervalMs ?? 1000;
  }

  /**
   * Resolves the names of the server list once, then keeps resolving them and probing dead servers on unref'd
   * timers. Until it has run, the names are used as they are (memjs connects to the first address of each).
   * @returns settles once the names are resolved (or failed to be, or after 2 s); calling it again joins the first
   *   call
   */
  start(): Promise<void> {
    this.started ??= this.begin();
    return this.started;
  }

  /** `host:port` of the servers in use, in ring order (addresses once names are resolved). */
  get servers(): readonly string[] {
    return this.current;
  }

  override async get<Value>(key: string): Promise<StoredData<Value>> {
    this.assertOpen();
    const data = (await super.get<Value>(key)) as DeserializedData<Value> | undefined;
    // @keyv/memcache answers a miss with `{ value: undefined, expires: 0 }`, which Keyv takes for an expired entry
    // and deletes (one more round trip per miss); a plain `undefined` is a plain miss.
    if (data?.value === undefined) return undefined;
    return data;
  }

  override async set(key: string, value: unknown, ttl?: number): Promise<void> {
    this.assertOpen();
    await super.set(key, value, memcachedTtlMs(ttl));
  }

  override async delete(key: string): Promise<boolean> {
    this.assertOpen();
    return super.delete(key);
  }

  /**
   * Stores `value` under `key` for `ttlMs` only if the key is absent, in one round trip (memcached `add`).
   * @returns `true` when stored, `false` when the key exists
   */
  async add(key: string, value: string, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    return this.memjs.add(key, value, { expires: memcachedTtlMs(ttlMs) / 1000 });
  }

  /** The text under `key` as written by {@link add} or {@link increment}, `undefined` when absent. */
  async getText(key: string): Promise<string | undefined> {
    this.assertOpen();
    const { value } = await this.memjs.get(key);
    return value === null ? undefined : value.toString('utf8');
  }

  /**
   * Adds one to the counter under `key` in one round trip, creating it at 1 with a life of `ttlSeconds` when it
   * is missing (the expiry is set only then: a fixed window).
   * @returns the new count
   */
  async increment(key: string, ttlSeconds: number): Promise<number> {
    this.assertOpen();
    const result = await this.memjs.increment(key, 1, { initial: 1, expires: Math.max(1, Math.ceil(ttlSeconds)) });
    if (!result.success || typeof result.value !== 'number') throw new Error(`memcached incr of ${key} failed`);
    return result.value;
  }

  /** Resolves the names of the server list now and uses the addresses found (a failed name keeps its last ones). */
  async resolve(): Promise<void> {
    const lists = await Promise.all(this.configured.map((entry) => this.addressesOf(entry)));
    if (this.closed) return;
    this.use([...new Set(lists.flat())]);
  }

  /** Closes every server connection; later operations fail (and count as store errors) instead of reconnecting. */
  // eslint-disable-next-line @typescript-eslint/require-await -- Keyv awaits disconnect()
  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.memjs.close();
    for (const server of this.leaving) server.close();
  }

  private get memjs(): memjs.Client {
    return this.client;
  }

  private async begin(): Promise<void> {
    this.every(this.probeIntervalMs, () => this.probeDeadServers());
    if (this.configured.every((entry) => isIP(splitHostPort(entry).host) !== 0)) return;
    if (this.resolveIntervalMs > 0) this.every(this.resolveIntervalMs, () => void this.resolve());
    // A resolver that hangs must not hold the start: the names serve as they are until it answers.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_RESOLVE_WAIT_MS)));
    await Promise.race([this.resolve(), bound]);
    clearTimeout(timer);
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async addressesOf(entry: string): Promise<string[]> {
    const { host, port } = splitHostPort(entry);
    if (isIP(host) !== 0) return [entry];
    try {
      const addresses = [...new Set(await this.resolver(host))].sort((a, b) => a.localeCompare(b, 'en'));
      if (addresses.length === 0) throw new Error('no address');
      const servers = addresses.map((address) => serverName(address, port));
      this.resolved.set(entry, servers);
      return servers;
    } catch (error) {
      const kept = this.resolved.get(entry) ?? [entry];
      this.log(`memcached: resolving ${host} failed (${(error as Error).message}); using ${kept.join(',')}`);
      return kept;
    }
  }

  /** Puts `servers` in use: known servers keep their connection and state, removed ones close after a grace. */
  private use(servers: string[]): void {
    if (servers.length === this.current.length && servers.every((server, i) => server === this.current[i])) return;
    const known = new Map(this.memjs.servers.map((server) => [serverName(server.host, server.port), server]));
    const next = servers.map((name) => {
      const existing = known.get(name);
      known.delete(name);
      if (existing !== undefined) return existing;
      const { host, port } = splitHostPort(name);
      return new memjs.Server(host, port, undefined, undefined, MEMJS_OPTIONS);
    });
    this.log(`memcached: servers ${this.current.join(',')} -> ${servers.join(',')}`);
    this.memjs.servers = next;
    this.memjs.getServer = ketamaServerIndex(servers);
    this.current = servers;
    for (const removed of known.values()) this.retire(removed);
  }

  private retire(server: MemjsServer): void {
    this.leaving.add(server);
    setTimeout(() => {
      this.leaving.delete(server);
      server.close();
    }, REMOVED_SERVER_GRACE_MS).unref();
  }

  /** Sends a NOOP to every server memjs keeps out after a failure; one that answers is used again at once. */
  private probeDeadServers(): void {
    const now = Date.now();
    for (const server of this.memjs.servers) {
      if (server.wakeupAt === undefined || server.wakeupAt <= now) continue;
      const started = this.probing.get(server);
      if (started !== undefined && now - started < PROBE_GIVE_UP_MS) continue;
      this.probing.set(server, now);
      this.memjs.incrSeq();
      const seq = this.memjs.seq;
      server.onResponse(seq, () => {
        this.probing.delete(server);
        server.wakeupAt = 0;
        this.log(`memcached: ${serverName(server.host, server.port)} answers again`);
      });
      server.onError(seq, () => this.probing.delete(server));
      server.write(memjs.Utils.makeRequestBuffer(OPCODE_NOOP, '', '', '', seq));
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('memcached store is closed');
  }
}
