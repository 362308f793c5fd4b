import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Who may see the debug group of a preview (`sources`, `timings`, `redirects`, `bytes`). This is the one hook the
 * API-key guard plugs into: with keys configured only admins may; with auth off, anyone may.
 */
export abstract class DebugAccess {
  abstract allows(request: FastifyRequest): boolean;
}

/** The policy while authentication is off: every caller may ask for debug data. */
@Injectable()
export class OpenDebugAccess extends DebugAccess {
  allows(): boolean {
    return true;
  }
}
