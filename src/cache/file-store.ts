import { mkdirSync } from 'node:fs';
import { open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DiskStore } from 'cache-manager-fs-hash';
import { KeyvAdapter, type CacheManagerStore } from 'cache-manager';
import { Keyv } from 'keyv';

/** A torn file younger than this may be a write in progress (fs-hash's lock goes stale after 10 s). */
const TORN_FILE_GRACE_MS = 10_000;
/** fs-hash writes `{"expireTime":…,"key":…,"val":…}` in that order: the head is enough to know expiry and key. */
const HEAD_BYTES = 1024;
const HEAD_PATTERN = /^\{"expireTime":(null|\d+),"key":("(?:[^"\\]|\\.)*")/;
/**
 * Files a sweep reads or deletes at once. One at a time, and through the store's lock per delete, a sweep of 10,000
 * entries over a bound of 2,000 took 9 s, while writes under load went on: the directory grew to almost 5x its bound.
 */
const SWEEP_CONCURRENCY = 16;
/**
 * How far past `maxItems` this process' writes may take the directory before it stops writing new entries until a
 * sweep makes room: under a write load the sweeps' file reads wait behind the writes in libuv's thread pool, and
 * without this a directory bounded at 2,000 reached 6,600 entries.
 */
export const FILE_STORE_SLACK = 0.1;

/** What one sweep of the file store did. */
export interface SweepResult {
  /** Expired entries deleted. */
  expired: number;
  /** Oldest entries deleted to get back under the threshold. */
  evicted: number;
  /** Unreadable files (a write torn by a crash) deleted. */
  torn: number;
  /** Entries left. */
  remaining: number;
}

interface FileEntry {
  file: string;
  writtenAt: number;
}

/** Options of {@link FileStoreJanitor}. */
export interface FileStoreJanitorOptions {
  /** The store's directory. */
  dir: string;
  /** Most entries kept; past it the oldest written are deleted. */
  maxItems: number;
  /** Wall clock (epoch ms), as fs-hash uses for `expireTime`. @default Date.now */
  now?: () => number;
  /** Where sweep failures are reported. */
  onError: (error: unknown) => void;
}

/**
 * Keeps a `cache-manager-fs-hash` directory bounded: deletes expired entries (fs-hash deletes them only when they
 * are read), torn files, and, past `maxItems`, the oldest written entries. Sweeps on an unref'd interval and as
 * soon as this process' writes may have crossed the threshold, reading and deleting {@link SWEEP_CONCURRENCY} files
 * at a time. Deletes unlink the entry's file without the store's lock: a reader that meets the file gone has a miss,
 * a write in progress lands in the unlinked file and is lost (a miss later), so several processes (each with its
 * janitor) can share one directory.
 */
export class FileStoreJanitor {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<SweepResult>;
  private knownEntries = 0;
  private writesSinceSweep = 0;
  private readonly now: () => number;

  constructor(private readonly options: FileStoreJanitorOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Sweeps now and then every `intervalMs`, without keeping the process alive. */
  start(intervalMs: number): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => this.sweepInBackground(), intervalMs);
    this.timer.unref();
    this.sweepInBackground();
  }

  /** Stops the interval and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping?.catch(() => undefined);
  }

  /**
   * Whether a new entry may be written now: not when this process' writes since the last sweep would take the
   * directory more than {@link FILE_STORE_SLACK} past `maxItems` (a sweep is then running or starts now).
   */
  hasRoom(): boolean {
    const bound = this.options.maxItems * (1 + FILE_STORE_SLACK);
    if (this.knownEntries + this.writesSinceSweep < bound) return true;
    this.sweepInBackground();
    return false;
  }

  /** Counts a write; sweeps when the entries may now be over the threshold. */
  noteWrite(): void {
    this.writesSinceSweep += 1;
    if (this.knownEntries + this.writesSinceSweep > this.options.maxItems) this.sweepInBackground();
  }

  /** One pass over the directory (joins a pass in progress). */
  sweep(): Promise<SweepResult> {
    this.sweeping ??= this.runSweep().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private sweepInBackground(): void {
    this.sweep().catch(this.options.onError);
  }

  private async runSweep(): Promise<SweepResult> {
    const writesBefore = this.writesSinceSweep;
    const result: SweepResult = { expired: 0, evicted: 0, torn: 0, remaining: 0 };
    const live: FileEntry[] = [];
    await eachConcurrently(await this.entryFiles(), async (file) => {
      const outcome = await this.inspect(file);
      if (outcome === 'skip') return;
      if (outcome === 'torn') result.torn += 1;
      else if (outcome === 'expired') result.expired += 1;
      else live.push(outcome);
    });
    const excess = live.length - this.options.maxItems;
    if (excess > 0) {
      live.sort((a, b) => a.writtenAt - b.writtenAt);
      await eachConcurrently(live.slice(0, excess), (entry) => removeFile(entry.file));
      result.evicted = excess;
    }
    result.remaining = live.length - result.evicted;
    this.knownEntries = result.remaining;
    this.writesSinceSweep -= writesBefore;
    return result;
  }

  /** Every entry file (`diskstore-xxx/<hash>.json`); lock files and external buffers are not entries. */
  private async entryFiles(): Promise<string[]> {
    const files: string[] = [];
    const top = await readdir(this.options.dir, { withFileTypes: true });
    for (const dir of top) {
      if (!dir.isDirectory() || !dir.name.startsWith('diskstore-')) continue;
      const path = join(this.options.dir, dir.name);
      const names = await readdir(path).catch(() => []);
      for (const name of names) if (name.endsWith('.json')) files.push(join(path, name));
    }
    return files;
  }

  /** `skip`: gone already, or a file still being written. */
  private async inspect(file: string): Promise<FileEntry | 'expired' | 'torn' | 'skip'> {
    try {
      const [head, info] = await Promise.all([readHead(file), stat(file)]);
      const match = HEAD_PATTERN.exec(head);
      if (match === null) {
        if (this.now() - info.mtimeMs < TORN_FILE_GRACE_MS) return 'skip';
        await unlink(file);
        return 'torn';
      }
      if (match[1] !== 'null' && Number(match[1]) <= this.now()) {
        await removeFile(file);
        return 'expired';
      }
      return { file, writtenAt: info.mtimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'skip';
      throw error;
    }
  }
}

/** Runs `work` on every item, {@link SWEEP_CONCURRENCY} at a time; rejects with the first failure. */
async function eachConcurrently<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(SWEEP_CONCURRENCY, items.length) }, worker));
}

/** Deletes an entry's file; one already gone (another janitor, a read of an expired entry) is no failure. */
async function removeFile(file: string): Promise<void> {
  await unlink(file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  });
}

async function readHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** A file store and its janitor. */
export interface FileStore {
  keyv: Keyv;
  janitor: FileStoreJanitor;
}

/**
 * `cache-manager-fs-hash` under `dir` through cache-manager's `KeyvAdapter`: one JSON file per key (md5 of the
 * key), written under a lock file that other processes respect; a reader that meets a half-written file re-reads
 * it under the lock, so no process ever sees a partial entry. Entries survive a restart.
 */
export function createFileStore(options: FileStoreJanitorOptions & { ttlMs: number }): FileStore {
  // fs-hash creates only the last directory level (mkdirSync without `recursive`).
  mkdirSync(options.dir, { recursive: true });
  const disk = new DiskStore({ path: options.dir, ttl: options.ttlMs, subdirs: true, hash: true });
  // KeyvAdapter calls only get/set/del/reset/mget/mdel/disconnect, which DiskStore has (its mset/keys differ).
  const keyv = new Keyv({
    store: new KeyvAdapter(disk as unknown as CacheManagerStore),
    namespace: undefined,
    useKeyPrefix: false,
    throwOnErrors: true,
  });
  // Keep entries as JSON objects in the files (readable, one parse) instead of JSON strings inside JSON.
  keyv.serialize = undefined;
  keyv.deserialize = undefined;
  return { keyv, janitor: new FileStoreJanitor(options) };
}
