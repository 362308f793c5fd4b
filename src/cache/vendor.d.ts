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
