/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): self and inclusive time per function and per package,
 * so a profile of the service under load can be read without a browser. Usage: tsx bench/support/cpu-profile.ts FILE [TOP]
 */
import { readFileSync } from 'node:fs';
import { fixed, printTable } from './table.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `dist/…` for the service's own code, the npm package for dependencies, `node:…` for Node's internals. */
function packageOf(url: string): string {
  if (url === '') return '(native/VM)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules !== null) return modules[1];
  const dist = /\/dist\/(.+)$/.exec(url);
  if (dist !== null) return `dist/${dist[1]}`;
  return url.startsWith('node:') ? 'node:internal' : url;
}

function functionKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '' : ` ${url.replace(/^.*?\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
  return `${functionName === '' ? '(anonymous)' : functionName}${where}`;
}

/** Sums sample time (µs) by key: self time for the sampled frame, inclusive time once per key on its stack. */
export function summarize(profile: Profile, keyOf: (node: ProfileNode) => string) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const node = byId.get(id);
    if (node === undefined) return;
    total += delta;
    self.set(keyOf(node), (self.get(keyOf(node)) ?? 0) + delta);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current);
      if (frame !== undefined) seen.add(keyOf(frame));
    }
    for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
  });
  return { self, inclusive, total };
}

function top(map: Map<string, number>, total: number, count: number): string[][] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, micros]) => [key, fixed(micros / 1000, 0), `${fixed((100 * micros) / total)} %`]);
}

if (process.argv[1]?.endsWith('cpu-profile.ts')) {
  const [file, topArg] = process.argv.slice(2) as [string | undefined, string | undefined];
  if (file === undefined) throw new Error('usage: tsx bench/support/cpu-profile.ts FILE.cpuprofile [TOP]');
  const count = Number(topArg ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byFunction = summarize(profile, functionKey);
  const byPackage = summarize(profile, (node) => packageOf(node.callFrame.url));
  process.stdout.write(`${file}: ${fixed(byFunction.total / 1000, 0)} ms sampled\n`);
  printTable('Self time by package', ['package', 'ms', 'share'], top(byPackage.self, byPackage.total, count));
  printTable('Self time by function', ['function', 'ms', 'share'], top(byFunction.self, byFunction.total, count));
  printTable(
    'Inclusive time by function',
    ['function', 'ms', 'share'],
    top(byFunction.inclusive, byFunction.total, count),
  );
}
