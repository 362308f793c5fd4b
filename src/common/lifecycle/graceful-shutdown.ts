import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { DrainState } from './drain-state.js';

/** Options of {@link installGracefulShutdown}. */
export interface GracefulShutdownOptions {
  /** How long to keep serving after the signal while readiness reports 503. @default 5000 */
  delayMs: number;
  /** Longest time the whole drain may take before the process exits with code 1. @default 15000 */
  timeoutMs: number;
  /** Ends the process; tests pass their own. @default process.exit */
  exit?: (code: number) => void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * On SIGTERM/SIGINT: mark the app draining, keep serving for `delayMs`, stop listening and let in-flight requests
 * finish, then close the app (every `onModuleDestroy` runs) and exit 0. Nest's own shutdown hooks re-raise the signal instead, which
 * ends the process with a signal rather than exit code 0, so this replaces them.
 * @returns a function that removes the signal handlers
 */
export function installGracefulShutdown(app: INestApplication, options: GracefulShutdownOptions): () => void {
  const logger = new Logger('Shutdown');
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let started = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (started) return;
    started = true;
    logger.log(`received ${signal}: draining for ${options.delayMs} ms, then closing`);
    const force = setTimeout(() => {
      logger.error(`drain took longer than ${options.timeoutMs} ms: exiting`);
      exit(1);
    }, options.timeoutMs);
    force.unref();
    const drain = app.get(DrainState);
    drain.startDraining();
    await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    drain.startClosing();
    // Stop listening and let in-flight requests finish first: app.close() runs onModuleDestroy hooks (pools,
    // caches) before it closes the server, which would pull resources from under running requests.
    await (app.getHttpAdapter() as { close(): Promise<void> }).close();
    await app.close();
    clearTimeout(force);
    logger.log('closed');
    exit(0);
  };
  const onSignal = (received: NodeJS.Signals): void => {
    shutdown(received).catch((error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      exit(1);
    });
  };
  // `on`, not `once`: a repeated signal must not fall back to the default action and cut off in-flight requests.
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };
}
