/**
 * Yields the results of `promises` in the order they settle, like Python's `concurrent.futures.as_completed`.
 * The promises must not reject (wrap failures into values first). Stopping the iteration early leaves the
 * remaining promises running: cancel them through their own signal.
 */
export async function* asCompleted<T>(promises: readonly Promise<T>[]): AsyncGenerator<T, void, undefined> {
  const pending = new Map(promises.map((promise, index) => [index, promise.then((value) => ({ index, value }))]));
  while (pending.size > 0) {
    const { index, value } = await Promise.race(pending.values());
    pending.delete(index);
    yield value;
  }
}
