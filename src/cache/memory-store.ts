import { EventEmitter } from 'node:events';
import { Keyv } from 'keyv';

/** What Keyv hands an in-memory store (it does not serialize for it): the value and its expiry (epoch ms). */
interface StoredData {
  value: unknown;
  expires?: number;
}

interface Slot {
  data: StoredData;
  /** Approximate bytes of this slot (key, value as JSON text in UTF-16, bookkeeping). */
  bytes: number;
  /** Epoch ms after which the slot is gone; `Infinity` without a TTL. */
  expiresAt: number;
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Most entries kept. */
  maxItems: number;
  /** Approximate bytes the entries may take; an entry bigger than this is not kept. */
  maxBytes: number;
  /** Clock (epoch ms). @default Date.now */
  now?: () => number;
}

/** Bookkeeping per entry beyond its key and value (a Map slot, the slot object, the data envelope). */
const SLOT_OVERHEAD_BYTES = 160;

/**
 * What an entry costs, roughly: its key and its value as JSON, two bytes a character (V8 keeps strings and the
 * objects parsed from them in about that). Entries are previews of capped size, so an estimate is enough to bound
 * the process by bytes; a value that cannot be written as JSON is counted as the bound itself (never kept).
 */
export function approximateBytes(key: string, value: unknown): number {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  return SLOT_OVERHEAD_BYTES + 2 * (key.length + (text?.length ?? 0));
}

/**
 * An in-process Keyv store bounded by entries and by approximate bytes, least recently used out first, with expiry:
 * the memory store and the L1 in front of memcached. Values are kept as given (no clone: entries are never
 * mutated once stored), so a hit costs a Map lookup.
 */
export class MemoryStore extends EventEmitter {
  /** Keyv sets this; keys already carry `CACHE_KEY_PREFIX`. */
  namespace?: string;
  private readonly slots = new Map<string, Slot>();
  private bytes = 0;
  private readonly now: () => number;

  constructor(private readonly options: MemoryStoreOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  /** Entries kept now (expired ones included until they are read or pushed out). */
  get size(): number {
    return this.slots.size;
  }

  /** Approximate bytes kept now. */
  get keptBytes(): number {
    return this.bytes;
  }

  get(key: string): StoredData | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= this.now()) {
      this.remove(key, slot);
      return undefined;
    }
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.data;
  }

  set(key: string, data: StoredData, ttlMs?: number): boolean {
    const old = this.slots.get(key);
    if (old !== undefined) this.remove(key, old);
    const bytes = approximateBytes(key, data.value);
    if (bytes > this.options.maxBytes) return false;
    const expiresAt = ttlMs === undefined || ttlMs <= 0 ? Number.POSITIVE_INFINITY : this.now() + ttlMs;
    this.slots.set(key, { data, bytes, expiresAt });
    this.bytes += bytes;
    this.evict();
    return true;
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.remove(key, slot);
    return true;
  }

  clear(): void {
    this.slots.clear();
    this.bytes = 0;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  private evict(): void {
    while (this.slots.size > this.options.maxItems || this.bytes > this.options.maxBytes) {
      const oldest = this.slots.entries().next().value;
      if (oldest === undefined) return;
      this.remove(oldest[0], oldest[1]);
    }
  }

  private remove(key: string, slot: Slot): void {
    this.slots.delete(key);
    this.bytes -= slot.bytes;
  }
}

/** A Keyv over a {@link MemoryStore} that keeps values as they are and throws store errors (for the cache to count). */
export function memoryKeyv(options: MemoryStoreOptions & { ttlMs: number }): { keyv: Keyv; store: MemoryStore } {
  const store = new MemoryStore(options);
  const keyv = new Keyv({ store, namespace: undefined, useKeyPrefix: false, ttl: options.ttlMs, throwOnErrors: true });
  keyv.serialize = undefined;
  keyv.deserialize = undefined;
  return { keyv, store };
}
