import { Injectable } from '@nestjs/common';

/**
 * Whether the process is draining after SIGTERM: it still serves requests, but readiness answers 503 so that the
 * load balancer stops sending new ones before the listener closes.
 */
@Injectable()
export class DrainState {
  private drainingSince: number | undefined;
  private listenerClosing = false;

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** Whether the listener is closing: requests that still arrive on open connections get 503 `SHUTTING_DOWN`. */
  get closing(): boolean {
    return this.listenerClosing;
  }

  startDraining(): void {
    this.drainingSince ??= Date.now();
  }

  startClosing(): void {
    this.startDraining();
    this.listenerClosing = true;
  }
}
