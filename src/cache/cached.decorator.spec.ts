import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { cacheConfig, readCacheConfig } from '../config/cache.config.js';
import { FailOpenStore } from './fail-open-store.js';
import { Cached } from './cached.decorator.js';
import { CacheModule } from './cache.module.js';

class Answer {
  constructor(readonly title: string) {}

  shout(): string {
    return this.title.toUpperCase();
  }
}

@Injectable()
class OembedLookup {
  calls: string[] = [];

  @Cached({ ttl: 60, key: (url: string) => `oembed:${url}` })
  async lookup(url: string): Promise<{ url: string; n: number }> {
    this.calls.push(url);
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { url, n: this.calls.length };
  }

  @Cached({ ttl: 1, key: (id: number) => `short:${id}` })
  async shortLived(id: number): Promise<number> {
    this.calls.push(`short:${id}`);
    return Promise.resolve(this.calls.length);
  }

  @Cached({
    ttl: 60,
    key: (title: string) => `answer:${title}`,
    revive: (plain) => new Answer((plain as Answer).title),
  })
  async answer(title: string): Promise<Answer> {
    this.calls.push(title);
    return Promise.resolve(new Answer(title));
  }

  @Cached({ ttl: 60, key: () => 'nothing' })
  async nothing(): Promise<null> {
    this.calls.push('nothing');
    return Promise.resolve(null);
  }

  @Cached({ ttl: 60, key: (url: string) => `failing:${url}` })
  async failing(url: string): Promise<string> {
    this.calls.push(url);
    return Promise.reject(new Error(`no answer for ${url}`));
  }
}

describe('@Cached', () => {
  let moduleRef: TestingModule;
  let service: OembedLookup;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({ imports: [CacheModule], providers: [OembedLookup] })
      .overrideProvider(cacheConfig.KEY)
      .useValue(readCacheConfig({ CACHE_KEY_PREFIX: 'test:' }))
      .compile();
    await moduleRef.init();
    service = moduleRef.get(OembedLookup);
  });

  afterEach(() => moduleRef.close());

  it('answers a repeated call from the cache', async () => {
    await expect(service.lookup('https://a.example/')).resolves.toEqual({ url: 'https://a.example/', n: 1 });
    await expect(service.lookup('https://a.example/')).resolves.toEqual({ url: 'https://a.example/', n: 1 });
    await expect(service.lookup('https://b.example/')).resolves.toEqual({ url: 'https://b.example/', n: 2 });
    expect(service.calls).toEqual(['https://a.example/', 'https://b.example/']);
  });

  it('shares one call between concurrent callers of one key', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => service.lookup('https://a.example/')));
    expect(answers).toEqual(Array.from({ length: 20 }, () => ({ url: 'https://a.example/', n: 1 })));
    expect(service.calls).toEqual(['https://a.example/']);
  });

  it('stores under CACHE_KEY_PREFIX + key, hashing a key that memcached would refuse', async () => {
    const store = moduleRef.get(FailOpenStore);
    await service.lookup('https://a.example/');
    await service.lookup('https://a.example/with space');

    await expect(store.get('test:oembed:https://a.example/')).resolves.toEqual({
      value: { url: 'https://a.example/', n: 1 },
    });
    const hashed = createHash('sha256').update('oembed:https://a.example/with space').digest('base64url');
    await expect(store.get(`test:sha256:${hashed}`)).resolves.toEqual({
      value: { url: 'https://a.example/with space', n: 2 },
    });
  });

  it('calls again once the TTL is over (real seconds)', async () => {
    await expect(service.shortLived(1)).resolves.toBe(1);
    await expect(service.shortLived(1)).resolves.toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(service.shortLived(1)).resolves.toBe(2);
  });

  it('rebuilds class instances with revive', async () => {
    await service.answer('hello');
    const cached = await service.answer('hello');
    expect(cached).toBeInstanceOf(Answer);
    expect(cached.shout()).toBe('HELLO');
    expect(service.calls).toEqual(['hello']);
  });

  it('caches a null result', async () => {
    await expect(service.nothing()).resolves.toBeNull();
    await expect(service.nothing()).resolves.toBeNull();
    expect(service.calls).toEqual(['nothing']);
  });

  it('does not cache a rejection', async () => {
    await expect(service.failing('x')).rejects.toThrow('no answer for x');
    await expect(service.failing('x')).rejects.toThrow('no answer for x');
    expect(service.calls).toEqual(['x', 'x']);
  });

  it('runs uncached on an instance that Nest did not create', async () => {
    const plain = new OembedLookup();
    await plain.lookup('https://a.example/');
    await plain.lookup('https://a.example/');
    expect(plain.calls).toEqual(['https://a.example/', 'https://a.example/']);
  });
});
