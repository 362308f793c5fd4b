import { bool, ConfigError, int, isHostPort, list, oneOf, str } from './env.js';

describe('env readers', () => {
  it('returns the default when a variable is unset or blank', () => {
    expect(int({}, 'PORT', { default: 3000 })).toBe(3000);
    expect(int({ PORT: '  ' }, 'PORT', { default: 3000 })).toBe(3000);
    expect(bool({}, 'DOCS_ENABLED', true)).toBe(true);
    expect(str({}, 'HOST', '0.0.0.0')).toBe('0.0.0.0');
    expect(oneOf({}, 'LOG_LEVEL', ['info', 'debug'], 'info')).toBe('info');
    expect(list({}, 'FETCH_ALLOW_PRIVATE', ['a:1'])).toEqual(['a:1']);
  });

  it('parses integers within their bounds', () => {
    expect(int({ PORT: '8080' }, 'PORT', { default: 3000, max: 65535 })).toBe(8080);
    expect(int({ N: '-1' }, 'N', { default: 0, min: -5 })).toBe(-1);
  });

  it.each(['abc', '3000abc', '1e3', '0x10', '3.5', '70000', '-1'])(
    'refuses %p as a port, naming variable, value and range',
    (value) => {
      expect(() => int({ PORT: value }, 'PORT', { default: 3000, max: 65535 })).toThrow(
        new ConfigError('PORT', value, 'an integer from 0 to 65535'),
      );
    },
  );

  it('reads words case-insensitively and refuses others with the allowed list', () => {
    expect(oneOf({ LOG_LEVEL: 'DEBUG' }, 'LOG_LEVEL', ['info', 'debug'], 'info')).toBe('debug');
    expect(() => oneOf({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', ['info', 'debug'], 'info')).toThrow(
      'Invalid value for LOG_LEVEL: "loud" (allowed: info, debug)',
    );
  });

  it('reads booleans strictly', () => {
    expect(bool({ X: 'false' }, 'X', true)).toBe(false);
    expect(bool({ X: '0' }, 'X', true)).toBe(false);
    expect(bool({ X: 'YES' }, 'X', false)).toBe(true);
    expect(() => bool({ X: 'maybe' }, 'X', true)).toThrow('Invalid value for X: "maybe" (allowed: true or false)');
  });

  it('splits lists, drops empty items and checks each item', () => {
    const check = { test: isHostPort, allowed: 'host:port pairs' };
    expect(list({ L: ' a:1, ,[::1]:80 ' }, 'L', [], check)).toEqual(['a:1', '[::1]:80']);
    expect(() => list({ L: 'a:1,b' }, 'L', [], check)).toThrow('Invalid value for L: "b" (allowed: host:port pairs)');
  });

  it('recognises host:port pairs', () => {
    expect(['127.0.0.1:11211', 'cache.internal:80', '[::1]:8080'].map(isHostPort)).toEqual([true, true, true]);
    expect(['127.0.0.1', 'a:0', 'a:65536', 'a b:1', ':80'].map(isHostPort)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
