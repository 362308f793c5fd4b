import { DomainError } from '../common/errors/domain-error.js';
import { toUpstreamError } from './upstream-errors.js';

function coded(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('toUpstreamError', () => {
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['EHOSTUNREACH', 'refused'],
    ['ECONNRESET', 'reset'],
    ['UND_ERR_SOCKET', 'reset'],
    ['ENOTFOUND', 'dns'],
    ['EPROTO', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['HPE_INVALID_CONSTANT', 'protocol'],
    ['UND_ERR_HEADERS_OVERFLOW', 'protocol'],
    ['Z_DATA_ERROR', 'decode'],
    ['ERR_BROTLI_DECOMPRESSION_FAILED', 'decode'],
    ['ESOMETHINGNEW', 'network'],
  ])('maps %s to UPSTREAM_ERROR (%s)', (code, cause) => {
    const error = coded(code);
    expect(toUpstreamError(error, 'example.com')).toEqual(
      new DomainError('UPSTREAM_ERROR', `example.com could not be read (${cause})`, { details: { cause } }),
    );
  });

  it.each([
    ['UND_ERR_CONNECT_TIMEOUT', 'connect'],
    ['UND_ERR_HEADERS_TIMEOUT', 'read'],
    ['UND_ERR_BODY_TIMEOUT', 'read'],
  ])('maps %s to UPSTREAM_TIMEOUT (%s)', (code, cause) => {
    expect(toUpstreamError(coded(code), 'example.com')).toEqual(
      new DomainError('UPSTREAM_TIMEOUT', 'example.com did not answer in time', { details: { cause } }),
    );
  });

  it('reads the code of a wrapped cause, and knows parser errors without one', () => {
    const wrapped = new TypeError('fetch failed', { cause: coded('ECONNRESET') });
    expect(toUpstreamError(wrapped, 'a.test')).toEqual(expect.objectContaining({ details: { cause: 'reset' } }));
    const parser = Object.assign(new Error('Expected HTTP/'), { name: 'HTTPParserError' });
    expect(toUpstreamError(parser, 'a.test')).toEqual(expect.objectContaining({ details: { cause: 'protocol' } }));
  });

  it('passes domain errors and programming errors through unchanged', () => {
    const domain = new DomainError('BLOCKED_DESTINATION', 'no');
    const bug = new TypeError('x is undefined');
    expect(toUpstreamError(domain, 'a.test')).toBe(domain);
    expect(toUpstreamError(bug, 'a.test')).toBe(bug);
  });
});
