import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { readRepoFile, repoPath } from '../support/repo-files.js';

/** Maintained Node.js LTS lines (22 until 2027-04, 24 until 2028-04). */
const MAINTAINED_LTS = [22, 24];

const dockerfile = DockerfileParser.parse(readRepoFile('Dockerfile'));
const args = new Map(
  dockerfile.getInitialARGs().map((arg) => [arg.getProperty()?.getName(), arg.getProperty()?.getValue()]),
);
const stages = dockerfile.getFROMs();
/** The instructions of one stage (the one its FROM starts). */
const stage = (index: number) => dockerfile.getContainingImage(stages[index].getRange().end)!;
const runtime = stage(stages.length - 1);
const instructions = runtime.getInstructions();

/** The arguments of the runtime stage's instructions with this keyword. */
function argumentsOf(keyword: string): string[][] {
  return instructions
    .filter((instruction: Instruction) => instruction.getKeyword() === keyword)
    .map((instruction) => instruction.getArguments().map((argument) => argument.getValue()));
}

/** The image a FROM names, with build arguments replaced by their defaults. */
function imageOf(index: number): string {
  return (stages[index].getImage() ?? '').replace(/\$\{(\w+)\}/g, (_whole, name: string) => args.get(name) ?? '');
}

describe('Dockerfile', () => {
  it('is multi-stage on a maintained Node LTS alpine image', () => {
    expect(stages.map((from) => from.getBuildStage())).toEqual(['build', 'deps', 'runtime']);
    for (let index = 0; index < stages.length; index++) {
      const match = /^node:(\d+)-alpine$/.exec(imageOf(index));
      expect(match).not.toBeNull();
      expect(MAINTAINED_LTS).toContain(Number(match?.[1]));
    }
  });

  it('installs only production dependencies in the stage that the final image copies them from', () => {
    const copies = runtime
      .getCOPYs()
      .map((copy) => [copy.getFromFlag()?.getValue() ?? null, ...copy.getArguments().map((a) => a.getValue())]);
    expect(copies).toEqual([
      [null, 'package.json', './'],
      ['deps', '/app/node_modules', './node_modules'],
      ['build', '/app/dist', './dist'],
      [null, 'deploy/docker/docker-entrypoint.sh', 'deploy/docker/healthcheck.mjs', './'],
    ]);
    const deps = stage(1);
    const installs = deps
      .getInstructions()
      .filter((instruction) => instruction.getKeyword() === 'RUN')
      .map((instruction) => instruction.getArgumentsContent());
    expect(installs).toEqual([expect.stringMatching(/^npm ci --omit=dev\b/)]);
  });

  it('runs as the unprivileged node user with NODE_ENV=production', () => {
    expect(argumentsOf('USER')).toEqual([['node']]);
    const env = runtime.getENVs().flatMap((instruction) => instruction.getProperties());
    expect(Object.fromEntries(env.map((property) => [property.getName(), property.getValue()]))).toEqual({
      NODE_ENV: 'production',
      PORT: '3000',
      HOST: '0.0.0.0',
    });
  });

  it('starts under tini, through the heap-sizing entrypoint, and exposes the port', () => {
    expect(argumentsOf('RUN')).toEqual([['apk', 'add', '--no-cache', 'tini']]);
    const entrypoint = runtime
      .getENTRYPOINTs()[0]
      .getJSONStrings()
      .map((value) => value.getJSONValue());
    expect(entrypoint).toEqual(['/sbin/tini', '--', '/app/docker-entrypoint.sh']);
    const cmd = runtime
      .getCMDs()[0]
      .getJSONStrings()
      .map((value) => value.getJSONValue());
    expect(cmd).toEqual(['node', 'dist/main.js']);
    expect(argumentsOf('EXPOSE')).toEqual([['3000']]);
  });

  it('checks health on /health/live with node itself', () => {
    const [healthcheck] = runtime.getHEALTHCHECKs();
    expect(healthcheck.getSubcommand()?.getValue()).toBe('CMD');
    expect(healthcheck.getArgumentsContent()).toMatch(/CMD \["node", "\/app\/healthcheck\.mjs"\]$/);
    expect(readRepoFile('deploy/docker/healthcheck.mjs')).toContain('/health/live');
  });

  it('keeps secrets, git and local builds out of the build context (.dockerignore is an allow-list)', () => {
    const rules = readRepoFile('.dockerignore')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(rules[0]).toBe('*');
    const allowed = rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1).replace(/\/$/, ''));
    const sources = dockerfile
      .getCOPYs()
      .filter((copy) => copy.getFromFlag() === null)
      .flatMap((copy) =>
        copy
          .getArguments()
          .slice(0, -1)
          .map((argument) => argument.getValue()),
      );
    for (const source of sources) {
      expect([source, allowed.some((entry) => source === entry || source.startsWith(`${entry}/`))]).toEqual([
        source,
        true,
      ]);
    }
    for (const secret of ['.env', '.git', 'node_modules', 'dist', 'coverage']) expect(allowed).not.toContain(secret);
  });
});

describe('docker-entrypoint.sh (run with /bin/sh)', () => {
  const cgroups = mkdtempSync(join(tmpdir(), 'lps-cgroup-'));

  afterAll(() => rmSync(cgroups, { recursive: true, force: true }));

  /** Runs the entrypoint with a cgroup tree of its own; the command prints the NODE_OPTIONS it was given. */
  function run(files: Record<string, string>, env: Record<string, string> = {}): string {
    const root = mkdtempSync(join(cgroups, 'root-'));
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(root, name, '..'), { recursive: true });
      writeFileSync(join(root, name), content);
    }
    const result = spawnSync(
      '/bin/sh',
      [repoPath('deploy/docker/docker-entrypoint.sh'), process.execPath, '-p', 'process.env.NODE_OPTIONS ?? ""'],
      { env: { PATH: process.env.PATH, CGROUP_ROOT: root, ...env }, encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return result.stdout.trim();
  }

  it('gives V8 75% of a cgroup v2 memory limit', () => {
    expect(run({ 'memory.max': '536870912\n' })).toBe('--max-old-space-size=384');
  });

  it('reads a cgroup v1 limit, and splits the heap between WEB_CONCURRENCY processes', () => {
    expect(run({ 'memory/memory.limit_in_bytes': '1073741824\n' }, { WEB_CONCURRENCY: '2' })).toBe(
      '--max-old-space-size=384',
    );
  });

  it('leaves the heap alone without a limit, and keeps one that NODE_OPTIONS already sets', () => {
    expect(run({ 'memory.max': 'max\n' })).toBe('');
    expect(run({ 'memory/memory.limit_in_bytes': '9223372036854771712\n' })).toBe('');
    expect(run({ 'memory.max': '536870912\n' }, { NODE_OPTIONS: '--max-old-space-size=100' })).toBe(
      '--max-old-space-size=100',
    );
    expect(run({ 'memory.max': '536870912\n' }, { NODE_OPTIONS: '--enable-source-maps' })).toBe(
      '--max-old-space-size=384 --enable-source-maps',
    );
  });

  it('passes the limit on to V8', () => {
    const root = mkdtempSync(join(cgroups, 'v8-'));
    writeFileSync(join(root, 'memory.max'), '536870912\n');
    const script = 'console.log(require("node:v8").getHeapStatistics().heap_size_limit / 2 ** 20)';
    const result = spawnSync(
      '/bin/sh',
      [repoPath('deploy/docker/docker-entrypoint.sh'), process.execPath, '-e', script],
      {
        env: { PATH: process.env.PATH, CGROUP_ROOT: root },
        encoding: 'utf8',
      },
    );
    // The old space is 384 MiB; V8 adds its young generation on top.
    expect(Number(result.stdout)).toBeGreaterThanOrEqual(384);
    expect(Number(result.stdout)).toBeLessThan(512);
  });
});

describe('healthcheck.mjs', () => {
  let server: Server;
  let status = 200;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/health/live' ? status : 404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** Its exit code (run asynchronously: the server it asks lives in this process). */
  const check = (port: number) =>
    new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [repoPath('deploy/docker/healthcheck.mjs')], {
        env: { PORT: String(port) },
        stdio: 'ignore',
      });
      child.once('exit', (code) => resolve(code));
    });

  it('exits 0 when /health/live answers 200, 1 when it answers otherwise or nothing listens', async () => {
    const { port } = server.address() as AddressInfo;
    status = 200;
    expect(await check(port)).toBe(0);
    status = 503;
    expect(await check(port)).toBe(1);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await check(closedPort)).toBe(1);
  });
});
