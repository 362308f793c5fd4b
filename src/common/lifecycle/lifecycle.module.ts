import { Global, Module } from '@nestjs/common';
import { DrainState } from './drain-state.js';

/** Process lifecycle state shared by the shutdown sequence and the readiness check. */
@Global()
@Module({ providers: [DrainState], exports: [DrainState] })
export class LifecycleModule {}
