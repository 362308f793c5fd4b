import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startMemcacheds, stopAll, type MemcachedProcess } from './support/memcached.js';
import { articlePage, FixtureUpstream } from './support/fixture-upstream.js';
import { startTestApp } from './support/test-app.js';

describe('previews over two memcached servers (e2e)', () => {
  let fixture: FixtureUpstream;
  let servers: MemcachedProcess[];
  let app: NestFastifyApplication;
  const paths = Array.from({ length: 20 }, (_, i) => `/page-${i}`);

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    for (const path of paths) fixture.html(path, articlePage(`Title ${path}`));
    servers = await startMemcacheds(2);
    app = await startTestApp({
      env: {
        FETCH_ALLOW_PRIVATE: fixture.hostPort,
        PARSE_WORKERS: '1',
        CACHE_STORE: 'memcached',
        MEMCACHED_SERVERS: servers.map((server) => `127.0.0.1:${server.port}`).join(','),
      },
    });
  });

  afterAll(async () => {
    await app.close();
    await stopAll(servers);
    await fixture.close();
  });

  const preview = (path: string) =>
    app.inject({ method: 'GET', url: `/v1/previews?url=${encodeURIComponent(fixture.url(path))}&fields=title` });

  it('keeps answering 200 when one server dies mid-test, and when all are gone', async () => {
    const cold = await Promise.all(paths.map(preview));
    expect(cold.map((res) => res.statusCode)).toEqual(paths.map(() => 200));

    await stopAll(servers.slice(0, 1));
    const oneDown = await Promise.all(paths.map(preview));
    expect(oneDown.map((res) => res.statusCode)).toEqual(paths.map(() => 200));
    expect(oneDown.map((res) => res.json().title)).toEqual(paths.map((path) => `Title ${path}`));

    await stopAll(servers);
    const allDown = await Promise.all(paths.map((path) => preview(`${path}?again`)));
    expect(allDown.map((res) => res.statusCode)).toEqual(paths.map(() => 200));
    expect(allDown.map((res) => res.headers['x-cache'])).toEqual(paths.map(() => 'MISS'));
  }, 30_000);
});
