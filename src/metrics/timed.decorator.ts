import { performance } from 'node:perf_hooks';
import { methodDuration } from './metrics.registry.js';

/**
 * Records how long an async method takes in the `method_duration_seconds` histogram, labelled `Class.method` and
 * `ok`/`error` (the `@timed` decorator of the blueprint). The method's result and errors pass through unchanged.
 */
export function Timed(name?: string) {
  return <A extends unknown[], R>(
    target: object,
    method: string | symbol,
    descriptor: TypedPropertyDescriptor<(...args: A) => Promise<R>>,
  ): TypedPropertyDescriptor<(...args: A) => Promise<R>> => {
    const original = descriptor.value;
    if (original === undefined) throw new TypeError('@Timed() decorates methods only');
    const label = name ?? `${target.constructor.name}.${String(method)}`;
    descriptor.value = async function timed(this: unknown, ...args: A): Promise<R> {
      const started = performance.now();
      let outcome = 'error';
      try {
        const result = await original.apply(this, args);
        outcome = 'ok';
        return result;
      } finally {
        methodDuration.observe({ method: label, outcome }, (performance.now() - started) / 1000);
      }
    };
    return descriptor;
  };
}
