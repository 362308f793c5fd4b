import { Counter } from 'prom-client';
import { metricsRegistry } from '../metrics/metrics.registry.js';

/** One serialized answer: the JSON text and its ETag. */
export interface RenderedBody {
  body: string;
  etag: string;
}

/** Options of {@link RenderedBodies}. */
export interface RenderedBodiesOptions {
  /** Bodies kept at most; 0 keeps none (every answer is serialized). @default 10000 */
  maxItems: number;
  /** Approximate bytes they may take (UTF-16 string sizes). @default 32 MiB */
  maxBytes: number;
}

/** Whether an answer's body came from {@link RenderedBodies} (`memo`) or was serialized for it (`rendered`). */
export const previewBodies = new Counter({
  name: 'preview_bodies_total',
  help: 'Preview answer bodies by origin: memo (a kept serialization of the same entry version) or rendered',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

/**
 * The serialized bodies of recent preview answers, keyed by what fully determines them: the cached entry's version,
 * the field selection and the URL as asked. It is not a cache of answers: the store is read on every request, and
 * only when the store answers with the same entry version is its body written again instead of being serialized
 * anew (class-transformer and null stripping were most of a cache hit's cost). A purge or refresh changes the
 * version, so a kept body can never outlive its entry. Bounded by entries and by approximate bytes, least recently
 * used first out.
 */
export class RenderedBodies {
  private readonly bodies = new Map<string, { rendered: RenderedBody; bytes: number }>();
  private bytes = 0;

  constructor(private readonly options: RenderedBodiesOptions) {}

  /** The body for `key`, rendering (and keeping) it with `render` when it is not kept. */
  getOrRender(key: string, render: () => RenderedBody): RenderedBody {
    const kept = this.bodies.get(key);
    if (kept !== undefined) {
      // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
      this.bodies.delete(key);
      this.bodies.set(key, kept);
      previewBodies.inc({ result: 'memo' });
      return kept.rendered;
    }
    previewBodies.inc({ result: 'rendered' });
    const rendered = render();
    this.keep(key, rendered);
    return rendered;
  }

  /** Bodies kept now. */
  get size(): number {
    return this.bodies.size;
  }

  /** Approximate bytes kept now. */
  get keptBytes(): number {
    return this.bytes;
  }

  private keep(key: string, rendered: RenderedBody): void {
    const bytes = 2 * (key.length + rendered.body.length + rendered.etag.length);
    if (this.options.maxItems === 0 || bytes > this.options.maxBytes) return;
    this.bodies.set(key, { rendered, bytes });
    this.bytes += bytes;
    while (this.bodies.size > this.options.maxItems || this.bytes > this.options.maxBytes) {
      const [oldestKey, oldest] = this.bodies.entries().next().value as [string, { bytes: number }];
      this.bodies.delete(oldestKey);
      this.bytes -= oldest.bytes;
    }
  }
}
