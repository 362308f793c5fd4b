import { Test } from '@nestjs/testing';
import { FetcherModule } from './fetcher.module.js';
import { HostResolver, SystemHostResolver } from './host-resolver.js';
import { SafeFetcher } from './safe-fetcher.js';

class InternalResolver extends HostResolver {
  readonly calls: string[] = [];
  resolve(hostname: string): Promise<string[]> {
    this.calls.push(hostname);
    return Promise.resolve(['10.0.0.1']);
  }
}

describe('FetcherModule', () => {
  it('provides a SafeFetcher configured from the environment that uses the injected resolver', async () => {
    const resolver = new InternalResolver();
    const moduleRef = await Test.createTestingModule({ imports: [FetcherModule] })
      .overrideProvider(HostResolver)
      .useValue(resolver)
      .compile();
    const fetcher = moduleRef.get(SafeFetcher);
    await expect(fetcher.fetch('http://intranet.test/')).rejects.toEqual(
      expect.objectContaining({
        code: 'BLOCKED_DESTINATION',
        details: { host: 'intranet.test', range: 'private' },
      }),
    );
    // The default FETCH_ALLOWED_PORTS refuse anything else before a lookup.
    await expect(fetcher.fetch('http://intranet.test:6379/')).rejects.toEqual(
      expect.objectContaining({ code: 'INVALID_URL', details: { reason: 'port' } }),
    );
    expect(resolver.calls).toEqual(['intranet.test']);
    await moduleRef.close();
  });

  it('resolves with the system resolver by default', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [FetcherModule] }).compile();
    const resolver = moduleRef.get(HostResolver);
    expect(resolver).toBeInstanceOf(SystemHostResolver);
    // A numeric host is answered by getaddrinfo itself: no DNS traffic.
    await expect(resolver.resolve('127.0.0.1')).resolves.toEqual(['127.0.0.1']);
    await moduleRef.close();
  });
});
