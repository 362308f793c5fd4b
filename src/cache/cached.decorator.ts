import { Inject } from '@nestjs/common';
import { safeKey } from './cache-key.js';
import { FailOpenStore } from './fail-open-store.js';

/** Options of {@link Cached}. */
export interface CachedOptions<A extends unknown[], R> {
  /**
   * The key of one call, from its arguments; the store key is `CACHE_KEY_PREFIX` + this (or + its sha256 when it
   * is not a valid memcached key: spaces, control characters, over 250 bytes). Include a name for the method so
   * that two methods never share keys, e.g. `(url) => \`oembed:${url}\``.
   */
  key: (...args: A) => string;
  /** Life of a cached result, in seconds. */
  ttl: number;
  /**
   * Rebuilds the result from what the store gives back: the file and memcached stores keep JSON, so class
   * instances come back as plain objects. @default the plain value as read
   */
  revive?: (plain: unknown) => R;
}

/** The property under which Nest injects the cache into an instance of a class that uses `@Cached`. */
const STORE = Symbol('cachedStore');
const injected = new WeakSet<object>();

type AsyncMethod<A extends unknown[], R> = (...args: A) => Promise<R>;

/**
 * Caches an async method's result in the configured store (like Python's `cachetools.cached`): a call whose key
 * is cached answers from the store; concurrent calls with one key share one run; a rejected call is not cached;
 * a store that fails or is slow only costs the cached answer (the method runs).
 *
 * The class must be a Nest provider in an app that imports `CacheModule`: the decorator adds a property
 * injection of {@link FailOpenStore} to it. Outside Nest (`new Service()`) the method runs uncached.
 *
 * ```ts
 * @Cached({ ttl: 3600, key: (url: string) => `oembed:${url}` })
 * async fetchOembed(url: string): Promise<OembedAnswer> { … }
 * ```
 */
export function Cached<A extends unknown[], R>(options: CachedOptions<A, R>) {
  return (
    target: object,
    _name: string | symbol,
    descriptor: TypedPropertyDescriptor<AsyncMethod<A, R>>,
  ): TypedPropertyDescriptor<AsyncMethod<A, R>> => {
    if (!injected.has(target)) {
      Inject(FailOpenStore)(target, STORE);
      injected.add(target);
    }
    const method = descriptor.value;
    if (method === undefined) throw new TypeError('@Cached() decorates methods only');
    const ttlMs = options.ttl * 1000;
    return {
      ...descriptor,
      value: async function (this: { [STORE]?: FailOpenStore }, ...args: A): Promise<R> {
        const store = this[STORE];
        if (store === undefined) return method.apply(this, args);
        return store.wrap(
          safeKey(store.keyPrefix, options.key(...args)),
          ttlMs,
          () => method.apply(this, args),
          options.revive,
        );
      },
    };
  };
}
