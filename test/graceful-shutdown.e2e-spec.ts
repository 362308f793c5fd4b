import { Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../src/app.module.js';
import { DrainState } from '../src/common/lifecycle/drain-state.js';
import { installGracefulShutdown } from '../src/common/lifecycle/graceful-shutdown.js';
import { startTestApp } from './support/test-app.js';

/** Records that the app ran its shutdown hooks (what `app.close()` does). */
@Injectable()
class ShutdownProbe implements OnModuleDestroy {
  static readonly state = { destroyed: false };

  onModuleDestroy(): void {
    ShutdownProbe.state.destroyed = true;
  }
}

@Module({ imports: [AppModule], providers: [ShutdownProbe] })
class ProbeModule {}

describe('graceful shutdown', () => {
  let app: NestFastifyApplication;
  let uninstall: () => void = () => undefined;

  beforeEach(async () => {
    ShutdownProbe.state.destroyed = false;
    app = await startTestApp({ rootModule: ProbeModule });
  });

  afterEach(() => {
    uninstall();
  });

  it('marks the app draining on SIGTERM, keeps serving during the delay, then closes it and exits 0', async () => {
    const exits: number[] = [];
    const exited = new Promise<void>((resolve) => {
      uninstall = installGracefulShutdown(app, {
        delayMs: 200,
        timeoutMs: 5000,
        exit: (code) => {
          exits.push(code);
          resolve();
        },
      });
    });

    process.emit('SIGTERM', 'SIGTERM');
    expect(app.get(DrainState).draining).toBe(true);
    const during = await app.inject({ method: 'GET', url: '/test' });
    expect(during.statusCode).toBe(200);
    expect(ShutdownProbe.state.destroyed).toBe(false);

    await exited;
    expect(ShutdownProbe.state.destroyed).toBe(true);
    expect(exits).toEqual([0]);
  });

  it('exits 1 when the drain outlasts its timeout', async () => {
    const exits: number[] = [];
    const exited = new Promise<void>((resolve) => {
      uninstall = installGracefulShutdown(app, {
        delayMs: 1000,
        timeoutMs: 50,
        exit: (code) => {
          exits.push(code);
          resolve();
        },
      });
    });
    process.emit('SIGINT', 'SIGINT');
    await exited;
    expect(exits).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(exits).toEqual([1, 0]);
  });
});
