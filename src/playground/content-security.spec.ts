import { withRemoteImages } from './content-security.js';

describe('withRemoteImages', () => {
  it('adds http: and https: to img-src and leaves every other directive as it was', () => {
    const policy = "default-src 'self';img-src 'self' data:;script-src 'self';object-src 'none'";
    expect(withRemoteImages(policy)).toBe(
      "default-src 'self';img-src 'self' data: http: https:;script-src 'self';object-src 'none'",
    );
  });

  it("adds an img-src that keeps 'self' and data: to a policy without one", () => {
    expect(withRemoteImages("default-src 'self'; script-src 'self'")).toBe(
      "default-src 'self';script-src 'self';img-src 'self' data: http: https:",
    );
  });

  it('matches the directive name case-insensitively', () => {
    expect(withRemoteImages("IMG-SRC 'self'")).toBe("IMG-SRC 'self' http: https:");
  });

  it('leaves an empty policy empty', () => {
    expect(withRemoteImages('')).toBe('');
  });
});
