/** Sources the playground adds to `img-src`: a preview card shows the previewed site's own image and icon. */
const REMOTE_IMAGES = 'http: https:';

/**
 * The app's Content-Security-Policy with `img-src` opened to http(s) images, every other directive (scripts, styles,
 * connections) kept as strict as the app sets it. A policy without `img-src` gets one that keeps `'self'` and `data:`.
 */
export function withRemoteImages(policy: string): string {
  const directives = policy
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '');
  if (directives.length === 0) return policy;
  const index = directives.findIndex((directive) => directive.split(/\s+/)[0].toLowerCase() === 'img-src');
  if (index === -1) directives.push(`img-src 'self' data: ${REMOTE_IMAGES}`);
  else directives[index] = `${directives[index]} ${REMOTE_IMAGES}`;
  return directives.join(';');
}
