import { freePort, startService, waitForHttp } from './support/processes.js';

describe('the built service (node dist/main.js)', () => {
  it('starts from environment variables alone, serves GET /test and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const service = startService({ PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_DELAY_MS: '0' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/test`);
      const res = await fetch(`http://127.0.0.1:${port}/test`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toBe('Hello, World!');
    } finally {
      service.child.kill('SIGTERM');
    }
    const exited = await service.exited;
    expect(exited).toMatchObject({ code: 0, signal: null });
  });

  it.each([
    [{ PORT: 'abc' }, ['Invalid value for PORT: "abc" (allowed: an integer from 0 to 65535)']],
    [
      { LOG_LEVEL: 'loud', PORT: '99999' },
      [
        'Invalid value for PORT: "99999" (allowed: an integer from 0 to 65535)',
        'Invalid value for LOG_LEVEL: "loud" (allowed: fatal, error, warn, info, debug, trace, silent)',
      ],
    ],
  ])('refuses to start with an invalid configuration %p, naming each variable', async (env, messages) => {
    const { exited } = startService(env);
    const result = await exited;
    expect(result.code).toBe(1);
    const lines = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: string; msg: string; variable: string });
    expect(lines.map((line) => line.msg)).toEqual(messages);
    expect(lines.every((line) => line.level === 'fatal')).toBe(true);
  });
});
