// Minimal typings for the CommonJS cache dependencies that ship none; only what src/cache uses.

declare module 'hashring' {
  /** Ketama-compatible consistent hash ring (libketama: 40 vnodes x 4 replicas per server, md5). */
  class HashRing {
    constructor(servers: string[] | Record<string, number | { weight?: number; vnodes?: number }>);
    /** The server that owns `key`. */
    get(key: string): string;
  }
  export default HashRing;
}

declare module 'cache-manager-fs-hash' {
  export interface DiskStoreOptions {
    path?: string;
    /** Default time to live in milliseconds. */
    ttl?: number;
    zip?: boolean;
    subdirs?: boolean;
    hash?: boolean;
  }
  export class DiskStore {
    constructor(options?: DiskStoreOptions);
    get(key: string): Promise<unknown>;
    set(key: string, value: unknown, ttl?: number): Promise<void>;
    del(key: string): Promise<void>;
    reset(): Promise<void>;
  }
}

declare module 'memjs' {
  /** memjs 1.3 (CommonJS, no typings): only what src/cache/memcached-store.ts uses. */
  namespace memjs {
    /** One server connection. */
    interface Server {
      host: string;
      port: number;
      /** Until when the client keeps the server out after a failure (epoch ms). */
      wakeupAt?: number;
      onResponse(seq: number, handler: () => void): void;
      onError(seq: number, handler: (error: unknown) => void): void;
      write(request: Buffer): void;
      close(): void;
    }
    interface Client {
      servers: Server[];
      seq: number;
      incrSeq(): void;
      /** Index into `servers` for a key; memjs' default is `hash % servers`, which moves most keys on resize. */
      getServer(key: string): number;
      /** Binary-protocol incr: a missing key is created with `initial` (and `expires`, seconds). */
      increment(
        key: string,
        amount: number,
        options: { initial: number; expires: number },
      ): Promise<{ success: boolean; value: number | null }>;
      /** Stores only when the key is absent: `false` when it exists. */
      add(key: string, value: string, options: { expires: number }): Promise<boolean>;
      get(key: string): Promise<{ value: Buffer | null }>;
      close(): void;
    }
    type ClientOptions = Record<string, unknown>;
    const Server: new (host: string, port: number, username: undefined, password: undefined, options: object) => Server;
    const Utils: {
      makeRequestBuffer(opcode: number, key: string, extras: string, value: string, opaque: number): Buffer;
    };
  }
  export default memjs;
}
