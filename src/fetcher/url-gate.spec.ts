import { checkUrl, effectivePort, type UrlGatePolicy } from './url-gate.js';

const POLICY: UrlGatePolicy = {
  allowedPorts: new Set([80, 443, 8080, 8443]),
  allowPrivate: new Set(['127.0.0.1:3000', '[::1]:9000']),
};

describe('checkUrl', () => {
  it.each([
    ['https://example.com/a?b#c', 'https://example.com/a?b#c', 443],
    ['http://example.com:8080/', 'http://example.com:8080/', 8080],
    ['HTTP://EXAMPLE.com', 'http://example.com/', 80],
    ['https://example.com:443/', 'https://example.com/', 443],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000/', 3000],
    ['http://0x7f.0.0.1:3000/', 'http://127.0.0.1:3000/', 3000],
    ['http://[0::1]:9000/', 'http://[::1]:9000/', 9000],
    ['http://exa\tmple.com/', 'http://example.com/', 80],
  ])('accepts %p as %p on port %i', (input, href, port) => {
    const result = checkUrl(input, POLICY);
    expect(result).toEqual({ ok: true, url: new URL(href), port });
  });

  it.each([
    ['not a url', 'unparsable'],
    ['/relative/path', 'unparsable'],
    ['ftp://example.com/', 'scheme'],
    ['data:text/html,hi', 'scheme'],
    ['gopher://example.com:70/', 'scheme'],
    ['http://user@example.com/', 'userinfo'],
    ['http://:secret@example.com/', 'userinfo'],
    ['http://example.com:22/', 'port'],
    ['http://127.0.0.1:3001/', 'port'],
    ['http://localhost:3000/', 'port'],
    [`https://example.com/${'a'.repeat(2030)}`, 'too_long'],
    [`https://example.com/${'é'.repeat(400)}`, 'too_long'],
  ])('refuses %p (%s)', (input, reason) => {
    expect(checkUrl(input, POLICY)).toEqual({ ok: false, reason, detail: expect.any(String) });
  });

  it.each([
    ['//127.0.0.2:8080/x', 'http://127.0.0.2:8080/x', 8080],
    ['\\\\127.0.0.2/x', 'http://127.0.0.2/x', 80],
    ['/\\127.0.0.2/x', 'http://127.0.0.2/x', 80],
    ['https:127.0.0.2', 'https://127.0.0.2/', 443],
    ['../up', 'http://example.com/up', 80],
  ])('resolves the redirect Location %p against the current URL as browsers do', (location, href, port) => {
    const result = checkUrl(location, POLICY, new URL('http://example.com/a/b'));
    expect(result).toEqual({ ok: true, url: new URL(href), port });
  });

  it('counts the default port of the scheme', () => {
    expect(effectivePort(new URL('https://example.com/'))).toBe(443);
    expect(effectivePort(new URL('http://example.com/'))).toBe(80);
    expect(effectivePort(new URL('http://example.com:81/'))).toBe(81);
    expect(effectivePort(new URL('ftp://example.com/'))).toBe(0);
  });

  it('keeps using a URL object it is given', () => {
    const url = new URL('https://example.com/');
    expect(checkUrl(url, POLICY)).toEqual({ ok: true, url, port: 443 });
  });
});
