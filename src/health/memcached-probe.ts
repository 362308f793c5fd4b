import { connect } from 'node:net';

/** A memcached binary-protocol NOOP request: magic 0x80, opcode 0x0a, no key, extras or body. */
const NOOP_REQUEST = Buffer.from([0x80, 0x0a, ...new Array<number>(22).fill(0)]);
const RESPONSE_MAGIC = 0x81;
const NOOP_OPCODE = 0x0a;

/** `host:port` split at its last colon. */
function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/**
 * Whether the memcached server at `address` (`host:port`) answers a NOOP within `timeoutMs`, on a connection of its
 * own: the cheapest request memcached answers, it touches no key, and it tells the server's state apart from the
 * cache client's (which fails over and retries).
 */
export function probeMemcached(address: string, timeoutMs: number): Promise<boolean> {
  const { host, port } = hostAndPort(address);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    const done = (up: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(up);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(NOOP_REQUEST));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // A response header is 24 bytes: magic, opcode, ..., status (bytes 6-7) 0 for success.
      if (received.length >= 24)
        done(received[0] === RESPONSE_MAGIC && received[1] === NOOP_OPCODE && received.readUInt16BE(6) === 0);
    });
  });
}
