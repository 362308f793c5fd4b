import { lookup } from 'node:dns/promises';
import { Injectable } from '@nestjs/common';

/**
 * Turns a host name into every address it has. The port is an abstract class so it is also the DI token, and tests
 * inject their own answers instead of touching the system DNS.
 */
export abstract class HostResolver {
  /** Every address of `hostname` (IPv4 and IPv6, in the resolver's order); rejects when the name has none. */
  abstract resolve(hostname: string): Promise<string[]>;
}

/** The system resolver (`/etc/hosts`, then DNS), as `getaddrinfo` answers it. */
@Injectable()
export class SystemHostResolver extends HostResolver {
  async resolve(hostname: string): Promise<string[]> {
    // `all`: every address is vetted, not only the first; `verbatim`: keep the resolver's order (no IPv4 reordering).
    const answers = await lookup(hostname, { all: true, verbatim: true });
    return answers.map((answer) => answer.address);
  }
}
