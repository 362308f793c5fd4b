import { Injectable } from '@nestjs/common';

/**
 * Whether the process is draining after SIGTERM: it still serves requests, but readiness answers 503 so that the
 * load balancer stops sending new ones before the listener closes.
 */
@Injectable()
export class DrainState {
  private drainingSince: number | undefined;

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  startDraining(): void {
    this.drainingSince ??= Date.now();
  }
}
