import { readFileSync } from 'node:fs';

/** Name and version of the service, read from package.json (one level above both `src/` and `dist/`). */
export interface PackageInfo {
  name: string;
  version: string;
  description: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  cached ??= JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageInfo;
  return cached;
}
