import { ApiKeys, presentedKey } from './api-keys.js';

describe('ApiKeys', () => {
  const keys = new ApiKeys([
    { key: 'client-key-0123456789', role: 'client' },
    { key: 'admin-key-0123456789ab', role: 'admin' },
  ]);

  it('matches a configured key to its role and a stable id that is not the key', () => {
    const client = keys.match('client-key-0123456789');
    expect(client).toEqual({ role: 'client', id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(keys.match('client-key-0123456789')).toEqual(client);
    expect(keys.match('admin-key-0123456789ab')).toEqual({ role: 'admin', id: expect.not.stringMatching(client!.id) });
  });

  it.each(['', 'client-key-012345678', 'client-key-01234567890', 'CLIENT-KEY-0123456789', 'x'.repeat(10_000)])(
    'matches nothing for %p',
    (presented) => {
      expect(keys.match(presented)).toBeUndefined();
    },
  );

  it('is off without keys', () => {
    expect(new ApiKeys([]).enabled).toBe(false);
    expect(keys.enabled).toBe(true);
  });
});

describe('presentedKey', () => {
  it.each([
    [{ 'x-api-key': 'k1' }, 'k1'],
    [{ authorization: 'Bearer k2' }, 'k2'],
    [{ authorization: 'bearer \t k3  ' }, 'k3'],
    [{ 'x-api-key': 'k1', authorization: 'Bearer k2' }, 'k1'],
    [{ 'x-api-key': '', authorization: 'Bearer k2' }, 'k2'],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, undefined],
    [{ authorization: 'Bearer two words' }, undefined],
    [{ authorization: 'Bearer' }, undefined],
    [{}, undefined],
  ])('reads %p as %p', (headers, expected) => {
    expect(presentedKey(headers)).toBe(expected);
  });
});
